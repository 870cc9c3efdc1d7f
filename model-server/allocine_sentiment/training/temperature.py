"""Temperature scaling (one scalar that makes softmax probabilities match observed accuracy) and the
threshold below which a prediction is flagged uncertain."""

from __future__ import annotations

import torch


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Temperature minimising the negative log-likelihood of ``labels`` under ``logits / T``."""
    logits = logits.detach().clone()  # may come from inference_mode
    log_t = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)
    loss_fn = torch.nn.CrossEntropyLoss()

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = loss_fn(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(log_t.exp().item())


# Calibrated predictions at or above the uncertain threshold must be right this often on validation.
CONFIDENT_ACCURACY = 0.95


def choose_uncertain_threshold(labels: list[int], positive_probability: list[float]) -> float:
    """Lowest score threshold whose confident predictions reach ``CONFIDENT_ACCURACY`` on validation."""
    for threshold in [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]:
        kept = [(y, p) for y, p in zip(labels, positive_probability, strict=True) if max(p, 1 - p) >= threshold]
        if kept and sum(int(p >= 0.5) == y for y, p in kept) / len(kept) >= CONFIDENT_ACCURACY:
            return threshold
    return 0.9
