"""Optimisation: the settlement search, the Pareto frontier, the Nash package and logrolls."""
