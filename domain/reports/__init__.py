"""Reports: per store and per brand (by store or city) figures added up from the ledgers, and
the guest (non-member) sales the POS reports at the end of each day."""
