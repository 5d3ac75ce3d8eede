"""Addresses no page can answer are refused before any view reads them: never a database error.

- A NUL character in the path or query string (%00) is answered 400 with a page that says so. No real link holds
  one, but a view that looks such a value up in PostgreSQL would fail ("A string literal cannot contain NUL
  characters"). Form fields refuse NUL themselves (Django's CharField), so POST bodies are left to them.
- A number in the path larger than any database id (a twenty-digit `<int:pk>`) is simply not found (404): the
  lookup would otherwise fail on the integer's range.
"""

from django.http import Http404
from django.shortcuts import render

LARGEST_ID = 2**63 - 1


class AddressGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key + value for key, value in request.GET.items()):
            return render(request, "core/bad_address.html", status=400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(isinstance(value, int) and not -LARGEST_ID <= value <= LARGEST_ID for value in view_kwargs.values()):
            raise Http404("No row has an id this large.")
        return None
