"""The benchmark: a site generator (gen_site) and the timing harness (run); see README.md."""
