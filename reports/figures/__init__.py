"""Figures: tidy data functions and the matplotlib drawings made from them.
"""
