from django.dispatch import Signal

session_changed = Signal()
