from django.shortcuts import get_object_or_404, render

from .models import Hub


def hub_list(request):
    return render(request, "hubs/list.html", {"hubs": Hub.objects.filter(is_active=True)})


def detail(request, slug):
    hub = get_object_or_404(Hub, slug=slug, is_active=True)
    return render(request, "hubs/detail.html", {"hub": hub})
