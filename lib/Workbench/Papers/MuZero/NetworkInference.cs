using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.MuZero;

/// <summary>
/// Batched inference of a <see cref="MuZeroNetwork"/> on plain arrays (no gradients, one dispose scope per call; tensors on
/// <see cref="TorchSetup.Device"/>, results copied back).
/// </summary>
public static class NetworkInference
{
    /// <summary>
    /// Representation then prediction for B observations: hidden states (B × H), logits (B × A), values (B; decoded from the
    /// categorical support when the network has one).
    /// </summary>
    public static (float[] Hidden, float[] Logits, float[] Values) Initial(MuZeroNetwork net, float[] observations, int batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var obs = tensor(observations, [batch, observations.Length / batch], device: TorchSetup.Device);
        var hidden = net.Represent(obs);
        var (logits, head) = net.Predict(hidden);
        var values = net.Scalar(head);
        return (hidden.cpu().data<float>().ToArray(), logits.cpu().data<float>().ToArray(), values.cpu().data<float>().ToArray());
    }

    /// <summary>Dynamics then prediction: next hidden states, rewards, logits, values.</summary>
    public static (float[] Hidden, float[] Rewards, float[] Logits, float[] Values) Recurrent(MuZeroNetwork net, float[] hidden,
        int[] actions, int batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var states = tensor(hidden, [batch, net.HiddenSize], device: TorchSetup.Device);
        var actionTensor = tensor(actions.Select(a => (long)a).ToArray(), [batch], device: TorchSetup.Device);
        var (next, rewardHead) = net.Dynamics(states, actionTensor);
        var (logits, valueHead) = net.Predict(next);
        var rewards = net.Scalar(rewardHead);
        var values = net.Scalar(valueHead);
        return (next.cpu().data<float>().ToArray(), rewards.cpu().data<float>().ToArray(), logits.cpu().data<float>().ToArray(),
            values.cpu().data<float>().ToArray());
    }
}
