"""Writes for health, one module per sub-feature:

gathering   every signal of a set of customers, one grouped query per source (reads only)
recompute   the incremental recompute: changed since the watermark, dirty, or due
fitting     the weights fitted on the org's own history, with a time-split backtest
thanks      thank-yous to superfans, within the contact budget
referrals   personal referral links, sign-ups and first purchases attributed back
loyalty     points for purchases (never for answers), levels, the append-only ledger
"""
