"""Has this been checked already? Similar claims, matching for clients, other outlets' fact-checks (`matching`)."""
