"""Page URLs: a lead answers the current stock-take round for their borough."""

from django.urls import path

from . import answering

urlpatterns = [
    path(
        "boroughs/<slug:slug>/stock-takes/<slug:round_slug>/answer/",
        answering.answer_stock_take,
        name="stock-take-answer",
    ),
]
