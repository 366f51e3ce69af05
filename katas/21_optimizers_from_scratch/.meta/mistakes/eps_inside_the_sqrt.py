"""Adds eps under the square root, sqrt(v_hat + eps), not after it as torch.optim.Adam does."""

from solution import *


class Adam(Adam):
    @torch.no_grad()
    def step(self):
        for index, param in enumerate(self.params):
            if param.grad is None:
                continue
            self.steps[index] += 1
            t = self.steps[index]
            grad = param.grad + self.weight_decay * param
            exp_avg, exp_avg_sq = self.exp_avgs[index], self.exp_avg_sqs[index]
            exp_avg.mul_(self.beta1).add_(grad, alpha=1 - self.beta1)
            exp_avg_sq.mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
            m_hat = exp_avg / (1 - self.beta1**t)
            v_hat = exp_avg_sq / (1 - self.beta2**t)
            param.sub_(self.lr * m_hat / (v_hat + self.eps).sqrt())
