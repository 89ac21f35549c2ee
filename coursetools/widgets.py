"""Interactive widgets of the lessons (sliders that redraw a figure).

Each widget takes the learner's own functions as arguments and draws with
:mod:`coursetools.plots`; a function not written yet gives a message, not
an error.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt

from coursetools.plots import plot_neuron_output

__all__ = ["neuron_explorer"]


def _slider(description, value):
    return widgets.FloatSlider(
        value=value, min=-5.0, max=5.0, step=0.1, description=description,
        continuous_update=False, readout_format=".1f",
        layout=widgets.Layout(width="420px"))


def neuron_explorer(neuron_forward):
    """Sliders "w" and "b" that redraw the output curve σ(w·x + b) of a
    one-input neuron, computed with the learner's ``neuron_forward``.

    Returns the ``ipywidgets.interactive`` object (display it, or leave it
    as the last line of a cell).
    Used in lesson 01-sigmoid-neuron.
    """
    def draw(w, b):
        plot_neuron_output(neuron_forward, w, b)
        plt.show()

    return widgets.interactive(draw, w=_slider("w", 1.0),
                               b=_slider("b", 0.0))
