"""Writes of the ideas app, by sub-feature: board (ideas, votes, comments, moderation,
merges), identifying (email confirmation), similarity, linking, releasing (release notes and
digests), results (public results pages) and draws (verifiable prize draws)."""
