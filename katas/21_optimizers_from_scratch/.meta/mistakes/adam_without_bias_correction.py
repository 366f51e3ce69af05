"""Leaves out Adam's bias correction: the first steps are far too small (m and v start at 0)."""

from solution import *


class Adam(Adam):
    @torch.no_grad()
    def step(self):
        for index, param in enumerate(self.params):
            if param.grad is None:
                continue
            grad = param.grad + self.weight_decay * param
            exp_avg, exp_avg_sq = self.exp_avgs[index], self.exp_avg_sqs[index]
            exp_avg.mul_(self.beta1).add_(grad, alpha=1 - self.beta1)
            exp_avg_sq.mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
            param.sub_(self.lr * exp_avg / (exp_avg_sq.sqrt() + self.eps))
