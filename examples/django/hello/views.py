# Views of the hello app: / answers with a plain-text greeting.
from django.http import HttpResponse


def index(request):
    return HttpResponse("Hello from Django", content_type="text/plain; charset=utf-8")
