"""Who may answer a stock-take for a borough: its lead (editors may correct answers)."""

import rules

from .roles import is_editor, is_lead_of

rules.add_perm("boroughs.answer_stocktake", is_editor | is_lead_of)
