"""What a way of writing a likelihood keeps and what it gives up.

The same log density can enter a NumPyro model through an observed ``sample`` site, a
``numpyro.factor`` or a custom ``Distribution``. Inference cannot tell them apart;
everything that needs to *draw* the data, or needs the log-likelihood point by point,
can. ``density_differences`` checks that several models define the same density,
``run_with_tuning_of`` reruns a model with another run's tuning, and
``likelihood_costs`` tabulates what each model still supports.
"""

import warnings

import numpy as np

__all__ = [
    "density_differences",
    "run_with_tuning_of",
    "draw_differences",
    "predictive_outcome",
    "site_log_likelihood",
    "loo_data_points",
    "likelihood_costs",
]


_FAST_COMPILE = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}


def _check_points(points):
    sizes = {name: np.shape(value)[0] if np.ndim(value) else None for name, value in points.items()}
    if not points or None in sizes.values() or len(set(sizes.values())) != 1:
        raise ValueError(
            "points must be a non-empty dict of arrays with the same leading axis (one "
            f"entry per point), got leading sizes {sizes}. Stack the values of each site, "
            "e.g. Predictive(model, num_samples=5)(key, X) without the observed site."
        )


def _check_latent(name, model, points, args, kwargs):
    from numpyro import handlers

    first = {site: value[0] for site, value in points.items()}
    tr = handlers.trace(handlers.substitute(handlers.seed(model, 0), data=first)).get_trace(
        *args, **kwargs
    )
    latent = [k for k, site in tr.items() if site["type"] == "sample" and not site["is_observed"]]
    if sorted(latent) != sorted(points):
        raise ValueError(
            f"model {name!r} has latent sites {latent}, but points has values for "
            f"{list(points)}: give one stacked value per latent site, and compare models "
            "with the same latent sites."
        )


def _densities(model, points, args, kwargs):
    import jax
    from numpyro.infer.util import log_density, potential_energy, unconstrain_fn

    def at(params):
        unconstrained = unconstrain_fn(model, args, kwargs, params)
        energy, grad = jax.value_and_grad(
            lambda u: potential_energy(model, args, kwargs, u)
        )(unconstrained)
        flat = jax.numpy.concatenate([jax.numpy.ravel(grad[k]) for k in sorted(grad)])
        return log_density(model, args, kwargs, params)[0], energy, flat

    # Compiled once and run once: XLA's slower optimisation passes would not pay off.
    compiled = jax.jit(jax.vmap(at)).lower(points).compile(_FAST_COMPILE)
    return [np.asarray(v, dtype=np.float64) for v in compiled(points)]


def _relative(a, ref):
    """Largest |a - ref| over the largest |ref|, per point (axis 0), then the max."""
    scale = np.maximum(np.max(np.abs(ref.reshape(len(ref), -1)), axis=1), 1e-30)
    return float(np.max(np.max(np.abs((a - ref).reshape(len(ref), -1)), axis=1) / scale))


def density_differences(models, points, *args, **kwargs):
    """Compare several models' log densities, potential energies and gradients.

    Parameters
    ----------
    models : dict of str to callable
        NumPyro models with the same latent sites; the first is the reference.
    points : dict of array
        Constrained values of every latent site, stacked along a leading axis (one
        entry per point), e.g. prior draws from ``Predictive``.
    *args, **kwargs
        Passed to every model, with the data, e.g. ``X, y=y``.

    Returns
    -------
    pandas.DataFrame
        One row per model; columns ``log_density``, ``potential_energy`` and
        ``gradient`` hold the largest relative difference from the reference over all
        points (``max |a - ref| / max |ref|``; the gradient is the potential energy's,
        in unconstrained space). The reference row is 0. ``attrs["log_density"]`` holds
        the log densities themselves: one row per point, one column per model.

    Raises
    ------
    ValueError
        If fewer than two models are given, the points are not stacked along one
        leading axis, or a model's latent sites are not exactly the keys of ``points``.

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def a(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> def b(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.factor("y", dist.Normal(mu, 1).log_prob(y))
    >>> density_differences({"a": a, "b": b}, {"mu": np.array([0.0, 1.0])}, y=0.5)
       log_density  potential_energy  gradient
    a          0.0               0.0       0.0
    b          0.0               0.0       0.0
    """
    import pandas as pd

    if not isinstance(models, dict) or len(models) < 2:
        raise ValueError(f"models must be a dict of at least two models, got {models!r}.")
    _check_points(points)
    for name, model in models.items():
        _check_latent(name, model, points, args, kwargs)
    values = {name: _densities(model, points, args, kwargs) for name, model in models.items()}
    ref = next(iter(values.values()))
    columns = ["log_density", "potential_energy", "gradient"]
    rows = {
        name: [_relative(a, r) for a, r in zip(v, ref, strict=True)]
        for name, v in values.items()
    }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table.attrs["log_density"] = pd.DataFrame({name: v[0] for name, v in values.items()})
    return table


def run_with_tuning_of(mcmc, model, rng_key, *args, **kwargs):
    """Sample ``model`` with the step size, mass matrix and end point of a finished run.

    Parameters
    ----------
    mcmc : numpyro.infer.MCMC
        A finished single-chain NUTS run (its warmup adapted the step size and the
        mass matrix).
    model : callable
        The model to sample; it must have the same latent sites.
    rng_key : jax.Array
    *args, **kwargs
        Passed to ``mcmc.run`` (the model's arguments).

    Returns
    -------
    numpyro.infer.MCMC
        A new run of ``mcmc.num_samples`` draws, no warmup, adaptation switched off,
        started at ``mcmc``'s last position. Two models with the same density give
        the same draws for the same key, up to floating-point rounding.

    Raises
    ------
    ValueError
        If ``mcmc`` has not been run, or ran several chains.
    """
    from numpyro.infer import MCMC, NUTS

    state = mcmc.last_state
    if state is None or mcmc.num_chains != 1:
        raise ValueError(
            f"mcmc must be a finished single-chain run, got num_chains={mcmc.num_chains} "
            f"and last_state={'None' if state is None else 'set'}. Run it first, with "
            "num_chains=1."
        )
    kernel = NUTS(
        model,
        step_size=state.adapt_state.step_size,
        inverse_mass_matrix=state.adapt_state.inverse_mass_matrix,
        adapt_step_size=False,
        adapt_mass_matrix=False,
    )
    run = MCMC(kernel, num_warmup=0, num_samples=mcmc.num_samples, progress_bar=False)
    run.run(rng_key, *args, init_params=state.z, **kwargs)
    return run


def draw_differences(runs):
    """Largest absolute difference between each run's draws and the first run's.

    Parameters
    ----------
    runs : dict of str to numpyro.infer.MCMC
        Finished runs with the same latent sites and the same number of draws; the
        first is the reference.

    Returns
    -------
    pandas.DataFrame
        One row per run, one column per latent site: ``max |draw - reference draw|``
        over all draws (0 for the reference row).

    Raises
    ------
    ValueError
        If a run's sites or draw shapes differ from the reference's.
    """
    import pandas as pd

    samples = {name: run.get_samples() for name, run in runs.items()}
    if not samples:
        raise ValueError("runs must hold at least one finished MCMC run, got none.")
    ref = next(iter(samples.values()))
    rows = {}
    for name, draws in samples.items():
        shapes = {k: np.shape(v) for k, v in draws.items()}
        if shapes != {k: np.shape(v) for k, v in ref.items()}:
            raise ValueError(
                f"run {name!r} has draws {shapes}, the first run has "
                f"{ {k: np.shape(v) for k, v in ref.items()} }: compare runs of models "
                "with the same latent sites and the same num_samples."
            )
        rows[name] = {k: float(np.max(np.abs(np.asarray(draws[k]) - ref[k]))) for k in ref}
    return pd.DataFrame.from_dict(rows, orient="index")


def predictive_outcome(model, rng_key, *args, site="y", posterior_samples=None, num_samples=None):
    """Run ``Predictive`` and report what it drew for ``site``.

    Parameters
    ----------
    model : callable
        A NumPyro model, called as ``model(*args)`` (no observed data).
    rng_key : jax.Array
    *args
        The model's arguments.
    site : str
        The site whose draws are wanted.
    posterior_samples : dict, optional
        Give these for a posterior predictive ...
    num_samples : int, optional
        ... or this for a prior predictive; exactly one of the two.

    Returns
    -------
    tuple or str
        The shape of the draws of ``site``; ``"no 'y'"`` (with the site name) if the
        model ran but drew no such site; ``"fails (TypeError)"`` (with the exception's
        class) if the model raised.

    Examples
    --------
    >>> import jax, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     numpyro.sample("y", dist.Normal(0, 1), obs=y)
    >>> predictive_outcome(model, jax.random.PRNGKey(0), num_samples=3)
    (3,)
    """
    from numpyro.infer import Predictive

    if (posterior_samples is None) == (num_samples is None):
        raise ValueError(
            "give exactly one of posterior_samples (posterior predictive) or num_samples "
            f"(prior predictive), got posterior_samples={type(posterior_samples).__name__} "
            f"and num_samples={num_samples!r}."
        )
    predictive = Predictive(model, posterior_samples=posterior_samples, num_samples=num_samples)
    try:
        draws = predictive(rng_key, *args)
    except Exception as err:  # the failure is the result being reported
        return f"fails ({type(err).__name__})"
    return tuple(draws[site].shape) if site in draws else f"no {site!r}"


def site_log_likelihood(model, posterior_samples, *args, site="y", **kwargs):
    """Return NumPyro's log-likelihood of one observed or factor site, per draw.

    Parameters
    ----------
    model : callable
    posterior_samples : dict
        Draws of the latent sites, leading axis = draws.
    *args, **kwargs
        Passed to the model, with the data, e.g. ``X, y=y``.
    site : str
        An observed or ``factor`` site.

    Returns
    -------
    jax.Array
        ``numpyro.infer.util.log_likelihood(...)[site]``: shape (draws, n) when the
        site keeps one term per data point, (draws,) when it was summed.

    Raises
    ------
    ValueError
        If the model has no observed or factor site named ``site``.
    """
    from numpyro.infer.util import log_likelihood

    values = log_likelihood(model, posterior_samples, *args, **kwargs)
    if site not in values:
        raise ValueError(
            f"the model has no observed or factor site {site!r}; its observed and factor "
            f"sites are {list(values)}. Pass the data (e.g. y=y) and the right site name."
        )
    return values[site]


def loo_data_points(log_lik):
    """Run ArviZ's PSIS-LOO on one chain's log-likelihood and say what it saw.

    Parameters
    ----------
    log_lik : array, shape (draws,) or (draws, n)
        As returned by :func:`site_log_likelihood`.

    Returns
    -------
    tuple of (float, list of str)
        The number of data points LOO used (``n`` for a per-point log-likelihood, 1
        for a summed one) and the warnings ArviZ raised, caught so none is printed.

    Examples
    --------
    >>> import numpy as np
    >>> points, caught = loo_data_points(np.random.default_rng(0).normal(-1, 0.1, (400, 20)))
    >>> points, caught
    (20, [])
    """
    from helpers.session import import_arviz

    az = import_arviz()
    values = np.asarray(log_lik, dtype=np.float64)
    if values.ndim not in (1, 2) or values.shape[0] < 2:
        raise ValueError(
            f"log_lik must have shape (draws,) or (draws, n) with draws >= 2, got "
            f"{values.shape}. Pass one chain's draws, e.g. site_log_likelihood(...)."
        )
    data = az.from_dict(log_likelihood={"y": values[None]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = az.loo(data, reff=1.0)
    return int(result.n_data_points), [str(w.message).split("\n")[0] for w in caught]


def _cost_row(model, posterior_samples, rng_key, args, y, site, num_prior_draws):
    import jax.numpy as jnp
    from numpyro import handlers

    from helpers.graph import model_relations
    from helpers.likelihood import site_role

    first = {name: value[0] for name, value in posterior_samples.items()}
    tr = handlers.trace(handlers.substitute(handlers.seed(model, 0), data=first)).get_trace(
        *args, y=y
    )
    sites = [k for k, v in tr.items() if v["type"] == "sample"]
    if site not in sites:
        raise ValueError(f"the model has no site {site!r}; its sites are {sites}.")
    log_lik = site_log_likelihood(model, posterior_samples, *args, site=site, y=y)
    loo_points, loo_warnings = loo_data_points(log_lik)
    return {
        "role": site_role(tr[site]),
        "graph_node": model_relations(model, *args, y=y)["sample_dist"][site],
        "observed_value": tuple(jnp.shape(tr[site]["value"])),
        "prior_predictive": predictive_outcome(
            model, rng_key, *args, site=site, num_samples=num_prior_draws
        ),
        "posterior_predictive": predictive_outcome(
            model, rng_key, *args, site=site, posterior_samples=posterior_samples
        ),
        "log_likelihood": tuple(log_lik.shape),
        "loo_points": loo_points,
        "loo_warnings": len(loo_warnings),
    }


def likelihood_costs(models, posterior_samples, rng_key, *args, y, site="y", num_prior_draws=100):
    """Tabulate what each way of writing a likelihood supports.

    Parameters
    ----------
    models : dict of str to callable
        Models called as ``model(*args)`` to predict (so ``y`` is None) and
        ``model(*args, y=y)`` to evaluate the likelihood; all with the same latent
        sites.
    posterior_samples : dict
        Draws of the latent sites only (leading axis = draws), e.g.
        ``mcmc.get_samples()`` of a model without deterministic sites.
    rng_key : jax.Array
    *args
        The models' other arguments, e.g. ``X``.
    y : array
        The observed data.
    site : str
        The likelihood's site name.
    num_prior_draws : int
        Draws for the prior predictive.

    Returns
    -------
    pandas.DataFrame
        One row per model, with columns

        - ``role``: the site's role, as :func:`helpers.likelihood.site_table` labels it
          (:func:`helpers.likelihood.site_role`);
        - ``graph_node``: the distribution the model graph shows for the site;
        - ``observed_value``: shape of the value recorded for the site when the data
          are given (what ArviZ stores as ``observed_data``);
        - ``prior_predictive``, ``posterior_predictive``: see :func:`predictive_outcome`;
        - ``log_likelihood``: shape of :func:`site_log_likelihood`;
        - ``loo_points``, ``loo_warnings``: data points PSIS-LOO used and the number
          of warnings it gave (:func:`loo_data_points`).

    Raises
    ------
    ValueError
        If ``models`` is empty or a model has no site ``site``.
    """
    import pandas as pd

    if not isinstance(models, dict) or not models:
        raise ValueError(f"models must be a non-empty dict of name to model, got {models!r}.")
    rows = {}
    for name, model in models.items():
        try:
            rows[name] = _cost_row(
                model, posterior_samples, rng_key, args, y, site, num_prior_draws
            )
        except ValueError as err:
            raise ValueError(f"model {name!r}: {err}") from None
    return pd.DataFrame.from_dict(rows, orient="index")
