"""The yardstick for bench/answer_endpoint.py: Earful's settings and middleware, one view that
inserts one row and nothing else. Served by gunicorn as `bench.minimal_site:application`."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.minimal_site")

from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from earful.settings import *  # noqa: F403

ROOT_URLCONF = "bench.minimal_site"
CREATE_TABLE = "CREATE TABLE IF NOT EXISTS bench_row (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
CREATE_TABLE_PG = (
    "CREATE TABLE IF NOT EXISTS bench_row (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)"
)


@csrf_exempt
def insert_one_row(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (body) VALUES (%s)", [request.body.decode()])
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("insert/", insert_one_row)]
application = get_wsgi_application()
