"""Addresses with a NUL character are answered 400 with a page that says so, before any view reads them.

No real link holds one (%00), but a view that looks a path value or a query parameter up in PostgreSQL would fail
on it ("A string literal cannot contain NUL characters") with a server error. Form fields refuse NUL themselves
(Django's CharField), so only the path and the query string are checked here.
"""

from django.shortcuts import render


class RefuseNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key + value for key, value in request.GET.items()):
            return render(request, "core/bad_address.html", status=400)
        return self.get_response(request)
