"""Shopping guides (导购): a member's guide from its home store's staff, the guide's follow-up
list of members that rules flag, the contacts it records, and per-guide figures."""
