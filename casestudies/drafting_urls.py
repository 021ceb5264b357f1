"""Page URLs."""

urlpatterns = []
