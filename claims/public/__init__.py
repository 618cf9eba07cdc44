"""The readers' door: published fact-checks as pages, ClaimReview JSON-LD and an Atom feed."""
