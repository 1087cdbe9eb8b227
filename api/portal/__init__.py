"""The customer portal's ticket form: signed form sessions, article suggestions while the customer
types, files, and tickets checked with the chat's rules (``api/routers/portal.py``).

Every endpoint is open without an API key (a browser cannot keep one secret) and limited per client
address. That is safe because nothing here trusts what the browser says about itself: the session
is signed by the API, suggestion tokens are signed and bound to their session, files need a session,
and a ticket from the form is unverified unless it carries an identity the API itself signed.
"""
