"""Scanners: each reads one parsed document and yields raw references, in document order.

Scanners never resolve, filter or type a URL; the crawl does that once, centrally.
"""
