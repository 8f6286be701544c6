"""The real-browser oracle: headless Chromium judges what the crawler finds."""
