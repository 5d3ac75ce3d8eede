"""The hub partner portal, /hubs/<slug>/manage/…: thin views over hubs.scoping, hubs.services and the reads,
one module per screen (dashboard, spokes, members and join requests, invitations, export).

Every object is looked up through `hubs.scoping` before anything else, whatever
the HTTP method, so another hub's object is a 404 on GET and POST alike.
"""
