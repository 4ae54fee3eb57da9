# URL routes of the Django example: the hello view at / and the admin site.
from django.contrib import admin
from django.urls import path
from hello import views

urlpatterns = [
    path("", views.index, name="index"),
    path("admin/", admin.site.urls),
]
