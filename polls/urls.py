app_name = "polls"

urlpatterns: list = []
