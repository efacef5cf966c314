from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    menu_label = _("检索同义词")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["term", "synonyms"]
    search_fields = ["term", "synonyms"]
    search_backend_name = None


register_snippet(SearchSynonymViewSet)
