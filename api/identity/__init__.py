"""Who the end user is: portal tokens, known phones, and the short-lived identity the API signs."""
