"""Page-numbered lists; a client may ask for bigger pages (a whole matrix at once, say) up to a limit."""

from rest_framework.pagination import PageNumberPagination


class StablePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000
