"""Cases (sager): opening, assigning and closing a case, the case list, search and the case page's timeline."""
