from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Department
from .scoping import actor_for_request


class DepartmentOutput(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "kind"]


class DepartmentListApi(generics.ListAPIView):
    """Every active department; public, so partner systems can resolve codes."""

    permission_classes = [permissions.AllowAny]
    serializer_class = DepartmentOutput
    queryset = Department.objects.filter(active=True).order_by("kind", "code")
    pagination_class = None


class WhoAmIOutput(serializers.Serializer):
    department = DepartmentOutput(allow_null=True)
    role = serializers.CharField(allow_null=True)
    principal = serializers.CharField()


class WhoAmIApi(APIView):
    """The department the caller acts for: a quick check that an API key works."""

    serializer_class = WhoAmIOutput

    def get(self, request: Request) -> Response:
        actor = actor_for_request(request)
        return Response(
            WhoAmIOutput(
                {"department": actor.department, "role": actor.role, "principal": actor.label}
            ).data
        )
