"""Interactive widgets of the lessons (sliders that redraw a figure).

Each widget takes the learner's own functions as arguments and draws with
:mod:`coursetools.plots`; a function not written yet gives a message, not
an error.
"""

import ipywidgets as widgets

from coursetools.drawing import explain_failure

__all__ = []


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
