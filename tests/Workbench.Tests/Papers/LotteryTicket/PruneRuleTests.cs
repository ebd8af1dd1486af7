using Workbench.Papers.LotteryTicket;

namespace Workbench.Tests.Papers.LotteryTicket;

public class PruneRuleTests
{
    [Fact]
    public void One_shot_rule_compounds_the_per_round_rate()
    {
        var rule = new PruneRule(false, 0.2, 0.1, 0.1).Compound(3);
        Assert.Equal(1 - 0.8 * 0.8 * 0.8, rule.FullyConnected, 12);
        Assert.Equal(1 - 0.9 * 0.9 * 0.9, rule.Output, 12);
    }
}
