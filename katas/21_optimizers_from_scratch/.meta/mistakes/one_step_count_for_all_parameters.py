"""Counts Adam's steps once per step() call, not per parameter: a late parameter's bias
correction starts at the wrong t."""

from solution import *


class Adam(Adam):
    @torch.no_grad()
    def step(self):
        self.t = getattr(self, "t", 0) + 1
        for index, param in enumerate(self.params):
            if param.grad is None:
                continue
            grad = param.grad + self.weight_decay * param
            exp_avg, exp_avg_sq = self.exp_avgs[index], self.exp_avg_sqs[index]
            exp_avg.lerp_(grad, 1 - self.beta1)
            exp_avg_sq.mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
            m_hat = exp_avg / (1 - self.beta1**self.t)
            v_hat = exp_avg_sq / (1 - self.beta2**self.t)
            param.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))
