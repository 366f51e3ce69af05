"""All-reduces the gradients with SUM and forgets to divide by the world size: each slice is
updated from world_size times the average gradient. Adam nearly ignores a gradient's scale
(the update divides exp_avg by the root of exp_avg_sq), so the parameters come out almost
right; the moments are world_size (and world_size**2) times too large."""

from solution import *


class ShardedAdam(ShardedAdam):
    @torch.no_grad()
    def step(self):
        self.step_count += 1
        flat_grad = torch.cat([p.grad.reshape(-1) for p in self.params])
        dist.all_reduce(flat_grad, op=dist.ReduceOp.SUM)
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
