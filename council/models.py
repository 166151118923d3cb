"""The site's own data: news articles and visit statistics."""
