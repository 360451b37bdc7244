"""The pages: one module per user's place (sign-in, inbox, cases, account)."""
