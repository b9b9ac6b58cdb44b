"""The baseline of bench/load_intake.py: the least a Django view can do to take a complaint —
read a JSON body and insert one row into the same complaint table (a category looked up by
code, a unique reference), behind the same server and middleware. Bench only."""

import json
import secrets

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from doleances.models import Category, Complaint


@csrf_exempt
@require_POST
def minimal(request):
    data = json.loads(request.body)
    complaint = Complaint.objects.create(
        reference=f"MIN-{secrets.token_hex(8)}",
        category=Category.objects.get(code=data["category"]),
        description=data["description"],
        channel="api",
        latitude=data["latitude"],
        longitude=data["longitude"],
        external_id=data["external_id"],
    )
    return JsonResponse({"reference": complaint.reference}, status=201)


def categories(request):
    return JsonResponse(
        [{"code": c} for c in Category.objects.values_list("code", flat=True)], safe=False
    )


urlpatterns = [
    path("minimal/", minimal),
    path("api/v1/categories/", categories),  # the readiness probe of the bench
]
