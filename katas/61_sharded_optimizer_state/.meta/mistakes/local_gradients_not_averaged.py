"""Updates each slice with the gradient of this rank's data only: the rank that owns a slice
decides it from half of the batch, and the model is no longer Adam on the whole batch."""

from solution import *


class ShardedAdam(ShardedAdam):
    @torch.no_grad()
    def step(self):
        self.step_count += 1
        flat_grad = torch.cat([p.grad.reshape(-1) for p in self.params])
        flat_params = torch.cat([p.reshape(-1) for p in self.params])
        my_params = flat_params[self.start : self.end]
        adam_update_(
            my_params,
            flat_grad[self.start : self.end],
            self.exp_avg,
            self.exp_avg_sq,
            self.step_count,
            self.lr,
            self.betas,
            self.eps,
        )
        updated = all_gather_flat(my_params, self.numel)
        offset = 0
        for p in self.params:
            p.copy_(updated[offset : offset + p.numel()].view_as(p))
            offset += p.numel()
