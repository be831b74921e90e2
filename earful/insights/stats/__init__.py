"""Pure statistics behind the insights: tiers and movement, trends, what changed, key drivers.

numpy and scipy only, no Django: every function takes arrays or plain records and is tested on
synthetic data with a planted truth (earful/insights/tests/test_stats_*.py). Each module's
docstring states its method and the assumptions it rests on; docs/user/insights.md says the same
for users.
"""
