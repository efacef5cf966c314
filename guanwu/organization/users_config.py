"""``wagtail.users`` with our user viewset (separation of duties, guanwu/organization/user_admin.py).

A module of its own: an AppConfig module is imported before the models are ready, so it must
not import views or forms.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class GuanwuUsersConfig(WagtailUsersAppConfig):
    user_viewset = "guanwu.organization.user_admin.UserViewSet"
