"""Work across years: new-year, diff and redline of two drafts."""
