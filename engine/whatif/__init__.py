"""What-if: scenarios (parse, apply) and the comparison of two analyses."""
