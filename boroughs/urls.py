"""Page URLs: the stock-takes, and a lead answering the current round for their borough.

The answering page sits under its borough's path (docs/decisions/0027-one-url-module-per-app.md).
"""

from django.urls import path

from . import answering, views

app_name = "boroughs"

urlpatterns = [
    path("stock-takes/", views.stock_take_index, name="stock-take-index"),
    path("stock-takes/<slug:slug>/", views.stock_take_page, name="stock-take"),
    path(
        "boroughs/<slug:slug>/stock-takes/<slug:round_slug>/answer/",
        answering.answer_stock_take,
        name="stock-take-answer",
    ),
]
