"""Helpers for the Backpropagation from Scratch notebooks.

One module per concern: ``checks`` (test cells), ``plots`` (figures),
``widgets`` (sliders).
"""
