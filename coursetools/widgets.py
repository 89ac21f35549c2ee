"""Interactive widgets of the lessons (sliders that redraw a figure).

Each widget takes the learner's own functions as arguments and draws with
:mod:`coursetools.plots`; a function not written yet gives a message, not
an error.
"""

import ipywidgets as widgets

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


# --- lesson 05-multilayer-backprop -------------------------------------------

def _train_xor(X, y, sizes, lr, epochs, seed, mlp_forward, mlp_backward,
               gradient_step, loss_fn):
    """Gradient descent on XOR with the learner's functions, from weights
    drawn from N(0, 1) (seeded) and zero biases; ``(params, history,
    message)``, message ``None`` when all went well."""

    import numpy as np

    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]),
                                              start=1):
        params[f"W{layer}"] = rng.normal(size=(fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    history = []
    try:
        for _ in range(epochs):
            y_hat, cache = mlp_forward(X, params)
            history.append(float(loss_fn(y_hat, y)))
            grads = mlp_backward(y, cache, params, loss="bce")
            params = gradient_step(params, grads, lr)
        history.append(float(loss_fn(mlp_forward(X, params)[0], y)))
    except NotImplementedError:
        return None, None, ("Write mlp_forward and mlp_backward above "
                            "first,\nthen run this cell again.")
    except Exception as exc:  # a learner's mistake: explain, do not crash
        return None, None, explain_failure(
            exc, "Training with your functions",
            "Run the tests of mlp_forward and mlp_backward above.")
    return params, history, None


def xor_explorer(X, y, mlp_forward, mlp_backward, gradient_step, loss_fn,
                 epochs=1000):
    """Sliders "learning rate" (log scale, 0.01 to 100), "hidden units"
    (1 to 8) and "seed" (the starting weights) that train a 2-H-1 sigmoid
    network on XOR for ``epochs`` epochs of full-batch gradient descent
    and redraw its decision boundary and loss curve.

    Training uses the learner's ``mlp_forward``, ``mlp_backward`` (loss
    "bce") and ``gradient_step``; ``loss_fn(y_hat, y)`` records the loss.
    Results are cached per slider setting. Returns the
    ``ipywidgets.interactive`` object.
    Used in lesson 05-multilayer-backprop.
    """
    import io

    from IPython.display import Image, display
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from coursetools.plots import DescentFigure, plot_xor_runs

    cache = {}

    def draw(lr, hidden, seed):
        key = (lr, hidden, seed)
        if key not in cache:
            params, history, message = _train_xor(
                X, y, (X.shape[1], hidden, 1), lr, epochs, seed,
                mlp_forward, mlp_backward, gradient_step, loss_fn)
            if message:
                cache[key] = DescentFigure.show_message(message)
            else:
                fig = Figure(dpi=80)
                FigureCanvasAgg(fig)
                label = (f"{X.shape[1]} → {hidden} → 1 network, "
                         f"lr = {lr:.3g}, seed {seed}")
                plot_xor_runs(mlp_forward, X, y, {label: (params, history)},
                              fig=fig)
                buffer = io.BytesIO()
                fig.savefig(buffer, format="png")
                cache[key] = buffer.getvalue()
        display(Image(data=cache[key], format="png"))

    style = {"description_width": "100px"}
    layout = widgets.Layout(width="520px")
    lr = widgets.FloatLogSlider(
        value=1.0, base=10, min=-2, max=2, step=0.25,
        description="learning rate", readout_format=".3g",
        continuous_update=False, style=style, layout=layout)
    hidden = widgets.IntSlider(
        value=3, min=1, max=8, step=1, description="hidden units",
        continuous_update=False, style=style, layout=layout)
    seed = widgets.IntSlider(
        value=0, min=0, max=9, step=1, description="seed",
        continuous_update=False, style=style, layout=layout)
    return widgets.interactive(draw, lr=lr, hidden=hidden, seed=seed)


__all__ += ["xor_explorer"]
