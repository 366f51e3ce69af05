"""Keeps Adam's moments for the whole model on every rank and updates everything everywhere:
the parameters are right, but the memory ZeRO-1 exists to save is spent world_size times."""

from solution import *


class ShardedAdam(ShardedAdam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr, betas, eps)
        self.exp_avg = torch.zeros(self.numel, dtype=self.params[0].dtype)
        self.exp_avg_sq = torch.zeros(self.numel, dtype=self.params[0].dtype)

    @torch.no_grad()
    def step(self):
        self.step_count += 1
        flat_grad = torch.cat([p.grad.reshape(-1) for p in self.params])
        dist.all_reduce(flat_grad)
        flat_grad /= dist.get_world_size()
        flat_params = torch.cat([p.reshape(-1) for p in self.params])
        adam_update_(
            flat_params,
            flat_grad,
            self.exp_avg,
            self.exp_avg_sq,
            self.step_count,
            self.lr,
            self.betas,
            self.eps,
        )
        offset = 0
        for p in self.params:
            p.copy_(flat_params[offset : offset + p.numel()].view_as(p))
            offset += p.numel()
