from django.http import HttpResponse


def report(request):
    return HttpResponse("À venir")
