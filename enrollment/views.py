from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Registration


@login_required
def my_learning(request):
    registrations = Registration.objects.filter(user=request.user).select_related("session__series")
    return render(request, "enrollment/my_learning.html", {"registrations": registrations})
