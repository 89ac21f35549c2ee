"""Interactive widgets of the lessons (sliders that redraw a figure).

Each widget takes the learner's own functions as arguments and draws with
:mod:`coursetools.plots`; a function not written yet gives a message, not
an error.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt

from coursetools.drawing import explain_failure

__all__ = []


# --- lesson 04-gradient-descent ----------------------------------------------

def _descend(X, y, gradient_step, neuron_backward, neuron_forward, loss_fn,
             lr, epochs):
    """The path ``[(w, b), ...]`` and losses of ``epochs`` steps from
    w = 0, b = 0, each step made by the learner's ``gradient_step``;
    ``(path, history, message)``, message ``None`` when all went well."""

    import numpy as np

    params = {"w": np.zeros(1), "b": 0.0}
    path, history = [], []
    try:
        for step in range(epochs + 1):
            w = np.asarray(params["w"], dtype=float).reshape(1)
            b = float(np.ravel(params["b"])[0])
            path.append((float(w[0]), b))
            history.append(float(loss_fn(neuron_forward(X, w, b), y)))
            if step == epochs or not np.isfinite(history[-1]):
                break
            dw, db = neuron_backward(X, w, b, y, loss="bce")
            params = gradient_step({"w": w, "b": b}, {"w": dw, "b": db}, lr)
    except NotImplementedError:
        return None, None, ("Write gradient_step above first,\n"
                            "then run this cell again.")
    except Exception as exc:  # a learner's mistake: explain, do not crash
        return None, None, explain_failure(
            exc, "Gradient descent with your gradient_step",
            "Run the tests of gradient_step above.")
    return path, history, None


def lr_explorer(X, y, gradient_step, neuron_backward, neuron_forward,
                loss_fn, max_epochs=100):
    """Sliders "learning rate" (log scale, 1e-4 to 10) and "epochs" that
    redraw gradient descent on a one-feature neuron: its path over the
    loss surface in (w, b) and its loss curve.

    The steps are made by the learner's ``gradient_step`` with the
    gradient of ``neuron_backward`` (loss "bce"); the surface is computed
    once, with ``loss_fn`` and ``neuron_forward``; paths are cached per
    learning rate, so a slider move costs one short descent at most and a
    PNG render. Returns the ``ipywidgets.interactive`` object; its
    ``redraw_ms`` lists the kernel time of every redraw, in milliseconds.
    Used in lesson 04-gradient-descent.
    """
    import time

    from IPython.display import Image, display

    from coursetools.plots import DescentFigure

    figure = DescentFigure(X, y, neuron_forward, loss_fn)
    cache = {}
    redraw_ms = []  # kernel time of each redraw, for the course's tests

    def draw(lr, epochs):
        start = time.perf_counter()
        if lr not in cache:
            cache[lr] = _descend(X, y, gradient_step, neuron_backward,
                                 neuron_forward, loss_fn, lr, max_epochs)
        path, history, message = cache[lr]
        if message:
            png = figure.show_message(message)
        else:
            png = figure.draw(lr, path[:epochs + 1], history[:epochs + 1])
        display(Image(data=png, format="png"))
        redraw_ms.append(1000.0 * (time.perf_counter() - start))

    style = {"description_width": "100px"}
    layout = widgets.Layout(width="520px")
    lr = widgets.FloatLogSlider(
        value=0.1, base=10, min=-4, max=1, step=0.25,
        description="learning rate", readout_format=".3g",
        continuous_update=False, style=style, layout=layout)
    epochs = widgets.IntSlider(
        value=30, min=1, max=max_epochs, step=1, description="epochs",
        continuous_update=False, style=style, layout=layout)
    explorer = widgets.interactive(draw, lr=lr, epochs=epochs)
    explorer.redraw_ms = redraw_ms
    return explorer


__all__ += ["lr_explorer"]


# --- lesson 06-training-in-practice ------------------------------------------

def gradient_explorer(gradient_norms, max_layers=20):
    """Controls "activation" (ReLU or sigmoid), "initialisation" (He or
    Xavier), "weight scale" (a factor on the initial weights, log scale,
    0.1 to 10) and "hidden layers" (1 to ``max_layers``) that redraw the
    size of every layer's weight gradient in a fresh network.

    ``gradient_norms(n_hidden, activation, method, scale)`` is the
    notebook's function: it builds the network with the learner's
    ``init_params`` and returns one norm per weight matrix. Returns the
    ``ipywidgets.interactive`` object.
    Used in lesson 06-training-in-practice.
    """
    import textwrap

    from coursetools.plots import _show_message, plot_gradient_norms

    def draw(activation, initialisation, scale, hidden_layers):
        _, ax = plt.subplots(figsize=(8.5, 4.0), layout="constrained")
        try:
            norms = gradient_norms(hidden_layers, activation,
                                   initialisation.lower(), scale)
        except NotImplementedError:
            _show_message(ax, "Write relu, relu_grad and init_params "
                          "above first,\nthen run this cell again.")
        except Exception as exc:  # a learner's mistake: explain it
            _show_message(ax, f"Computing the gradients raised "
                          f"{type(exc).__name__}:\n"
                          + textwrap.shorten(str(exc), 100)
                          + "\n\nRun the tests of your functions above.")
        else:
            plural = "s" if hidden_layers != 1 else ""
            label = (f"{activation}, {initialisation} × {scale:.3g}, "
                     f"{hidden_layers} hidden layer{plural}")
            plot_gradient_norms({label: norms}, ax=ax)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15),
                      frameon=False)
        plt.show()

    style = {"description_width": "100px"}
    layout = widgets.Layout(width="480px")
    return widgets.interactive(
        draw,
        activation=widgets.ToggleButtons(
            options=["ReLU", "sigmoid"], value="sigmoid",
            description="activation", style=style),
        initialisation=widgets.ToggleButtons(
            options=["He", "Xavier"], value="Xavier",
            description="initialisation", style=style),
        scale=widgets.FloatLogSlider(
            value=1.0, base=10, min=-1, max=1, step=0.05,
            description="weight scale", readout_format=".2f",
            continuous_update=False, style=style, layout=layout),
        hidden_layers=widgets.IntSlider(
            value=10, min=1, max=max_layers, description="hidden layers",
            continuous_update=False, style=style, layout=layout))


__all__ += ["gradient_explorer"]
