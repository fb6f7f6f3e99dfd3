using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Core.Tests.EmergencyRequests;

public sealed class RequestStateMachineTests
{
    private static readonly Actor Officer = new("officer-2", ActorRole.Officer);
    private static readonly Actor Finance = new("finance-1", ActorRole.Finance);
    private static readonly Actor Applicant = new("request-77", ActorRole.Applicant);

    // Facts under which every check except the state check passes.
    private static readonly RequestFacts Permissive = new()
    {
        MaximumAmountMinor = 1_000_000,
        ApproverIds = ["officer-1"],
        ApprovedAmountMinor = 500_00,
        HasPaymentDetails = true,
    };

    // Expected outcome of every (state, action) pair, written out by hand: a new state or a refusal code.
    // Columns: acknowledge, ask_for_information, answer_question, approve, decline,
    //          record_payment_details, record_disbursement, close, withdraw.
    private static readonly string[] Matrix =
    [
        "submitted                | acknowledged       awaiting_applicant invalid_in_state   approved           declined           not_yet_approved  not_yet_approved  case_not_finished withdrawn",
        "acknowledged             | invalid_in_state   awaiting_applicant invalid_in_state   approved           declined           not_yet_approved  not_yet_approved  case_not_finished withdrawn",
        "awaiting_applicant       | invalid_in_state   invalid_in_state   acknowledged       invalid_in_state   declined           not_yet_approved  not_yet_approved  case_not_finished withdrawn",
        "awaiting_second_approval | invalid_in_state   invalid_in_state   invalid_in_state   approved           declined           not_yet_approved  not_yet_approved  case_not_finished withdrawn",
        "approved                 | invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   approved          disbursed         case_not_finished withdrawn",
        "declined                 | invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state  invalid_in_state  closed            invalid_in_state",
        "disbursed                | invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state  invalid_in_state  closed            already_disbursed",
        "withdrawn                | invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state  invalid_in_state  closed            invalid_in_state",
        "closed                   | invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state   invalid_in_state  invalid_in_state  invalid_in_state  invalid_in_state",
    ];

    private static readonly RequestAction[] Columns =
    [
        RequestAction.Acknowledge,
        RequestAction.AskForInformation,
        RequestAction.AnswerQuestion,
        RequestAction.Approve,
        RequestAction.Decline,
        RequestAction.RecordPaymentDetails,
        RequestAction.RecordDisbursement,
        RequestAction.Close,
        RequestAction.Withdraw,
    ];

    public static TheoryData<string, string, string> EveryStateAndAction()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in Matrix)
        {
            var parts = row.Split('|');
            var state = parts[0].Trim();
            var cells = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Columns.Length, cells.Length);
            for (var i = 0; i < Columns.Length; i++)
            {
                data.Add(state, WireName.Of(Columns[i]), cells[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStateAndAction))]
    public void Every_state_and_action_is_allowed_or_refused_as_the_table_says(
        string state,
        string action,
        string expected
    )
    {
        Assert.True(WireName.TryParse<RequestState>(state, out var s));
        Assert.True(WireName.TryParse<RequestAction>(action, out var a));
        var actor = a switch
        {
            RequestAction.AnswerQuestion or RequestAction.Withdraw or RequestAction.RecordPaymentDetails => Applicant,
            RequestAction.RecordDisbursement => Finance,
            _ => Officer,
        };

        var decision = RequestStateMachine.Decide(
            s,
            new RequestCommand(a, actor, 500_00, "Outside the fund's remit"),
            Permissive
        );

        if (WireName.TryParse<RequestState>(expected, out var newState))
        {
            Assert.True(decision.IsAllowed, decision.Message);
            Assert.Equal(newState, decision.NewState);
            Assert.Null(decision.Refusal);
        }
        else
        {
            Assert.False(decision.IsAllowed);
            Assert.Null(decision.NewState);
            Assert.Equal(expected, decision.RefusalCodeName);
            Assert.False(string.IsNullOrWhiteSpace(decision.Message));
        }
    }

    // Which roles may take each action at all, written out by hand.
    [Theory]
    [InlineData("acknowledge", "officer,admin")]
    [InlineData("ask_for_information", "officer,admin")]
    [InlineData("answer_question", "applicant")]
    [InlineData("approve", "officer,admin")]
    [InlineData("decline", "officer,admin")]
    [InlineData("record_payment_details", "applicant,officer,finance")]
    [InlineData("record_disbursement", "finance")]
    [InlineData("close", "officer,admin")]
    [InlineData("withdraw", "applicant")]
    public void Only_the_listed_roles_may_take_an_action(string action, string roles)
    {
        Assert.True(WireName.TryParse<RequestAction>(action, out var a));
        var permitted = roles.Split(',');
        // A state in which the action applies, so only the role decides.
        var state = Enum.GetValues<RequestState>().First(s => RequestStateMachine.Target(s, a) is not null);

        foreach (var role in Enum.GetValues<ActorRole>())
        {
            var decision = RequestStateMachine.Decide(
                state,
                new RequestCommand(a, new Actor("someone-new", role), 500_00, "reason"),
                Permissive
            );
            if (permitted.Contains(WireName.Of(role)))
            {
                Assert.True(decision.IsAllowed, $"{role} {action}: {decision.Message}");
            }
            else
            {
                Assert.Equal(RefusalCode.RoleNotPermitted, decision.Refusal);
            }
        }
    }

    private static RequestFacts Fund(long threshold = 1_000_00, params string[] approvers) =>
        new()
        {
            MaximumAmountMinor = 5_000_00,
            SecondApprovalThresholdMinor = threshold,
            ApproverIds = approvers,
            ApprovedAmountMinor = approvers.Length > 0 ? 2_000_00 : null,
        };

    [Fact]
    public void Approval_above_the_threshold_waits_for_a_second_different_approver()
    {
        var first = RequestStateMachine.Decide(
            RequestState.Acknowledged,
            new RequestCommand(RequestAction.Approve, new Actor("alice", ActorRole.Officer), 2_000_00),
            Fund()
        );
        Assert.Equal(RequestState.AwaitingSecondApproval, first.NewState);

        var same = RequestStateMachine.Decide(
            RequestState.AwaitingSecondApproval,
            new RequestCommand(RequestAction.Approve, new Actor("alice", ActorRole.Officer)),
            Fund(approvers: "alice")
        );
        Assert.False(same.IsAllowed);
        Assert.Equal("second_approver_must_differ", same.RefusalCodeName);

        var sameAsAdmin = RequestStateMachine.Decide(
            RequestState.AwaitingSecondApproval,
            new RequestCommand(RequestAction.Approve, new Actor("alice", ActorRole.Admin)),
            Fund(approvers: "alice")
        );
        Assert.Equal(RefusalCode.SecondApproverMustDiffer, sameAsAdmin.Refusal);

        var second = RequestStateMachine.Decide(
            RequestState.AwaitingSecondApproval,
            new RequestCommand(RequestAction.Approve, new Actor("bob", ActorRole.Officer)),
            Fund(approvers: "alice")
        );
        Assert.True(second.IsAllowed);
        Assert.Equal(RequestState.Approved, second.NewState);
    }

    [Theory]
    [InlineData(1_000_00L, "approved")] // at the threshold: one approver
    [InlineData(1_000_01L, "awaiting_second_approval")] // one minor unit above
    [InlineData(5_000_00L, "awaiting_second_approval")] // at the maximum
    public void The_threshold_is_exclusive(long amount, string expected)
    {
        var decision = RequestStateMachine.Decide(
            RequestState.Submitted,
            new RequestCommand(RequestAction.Approve, Officer, amount),
            Fund()
        );
        Assert.Equal(expected, WireName.Of(decision.NewState!.Value));
    }

    [Fact]
    public void Without_a_threshold_one_approver_suffices()
    {
        var facts = new RequestFacts { MaximumAmountMinor = 5_000_00 };
        var decision = RequestStateMachine.Decide(
            RequestState.Acknowledged,
            new RequestCommand(RequestAction.Approve, Officer, 5_000_00),
            facts
        );
        Assert.Equal(RequestState.Approved, decision.NewState);
    }

    [Theory]
    [InlineData(null, "amount_required")]
    [InlineData(0L, "amount_not_positive")]
    [InlineData(-5L, "amount_not_positive")]
    [InlineData(5_000_01L, "amount_above_maximum")]
    public void Approval_amounts_are_checked(long? amount, string code)
    {
        var decision = RequestStateMachine.Decide(
            RequestState.Acknowledged,
            new RequestCommand(RequestAction.Approve, Officer, amount),
            Fund()
        );
        Assert.False(decision.IsAllowed);
        Assert.Equal(code, decision.RefusalCodeName);
    }

    [Fact]
    public void The_second_approval_cannot_change_the_amount()
    {
        var decision = RequestStateMachine.Decide(
            RequestState.AwaitingSecondApproval,
            new RequestCommand(RequestAction.Approve, new Actor("bob", ActorRole.Officer), 1_500_00),
            Fund(approvers: "alice")
        );
        Assert.Equal(RefusalCode.AmountMismatch, decision.Refusal);

        var same = RequestStateMachine.Decide(
            RequestState.AwaitingSecondApproval,
            new RequestCommand(RequestAction.Approve, new Actor("bob", ActorRole.Officer), 2_000_00),
            Fund(approvers: "alice")
        );
        Assert.True(same.IsAllowed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_decline_needs_a_reason(string? reason)
    {
        var decision = RequestStateMachine.Decide(
            RequestState.Acknowledged,
            new RequestCommand(RequestAction.Decline, Officer, Reason: reason),
            Fund()
        );
        Assert.Equal(RefusalCode.ReasonRequired, decision.Refusal);
    }

    [Fact]
    public void A_person_who_approved_cannot_disburse_even_in_the_finance_role()
    {
        var facts = Fund(1_000_00, "alice", "bob") with { HasPaymentDetails = true };

        var approver = RequestStateMachine.Decide(
            RequestState.Approved,
            new RequestCommand(RequestAction.RecordDisbursement, new Actor("bob", ActorRole.Finance)),
            facts
        );
        Assert.False(approver.IsAllowed);
        Assert.Equal("approver_cannot_disburse", approver.RefusalCodeName);

        var other = RequestStateMachine.Decide(
            RequestState.Approved,
            new RequestCommand(RequestAction.RecordDisbursement, new Actor("carol", ActorRole.Finance)),
            facts
        );
        Assert.True(other.IsAllowed);
        Assert.Equal(RequestState.Disbursed, other.NewState);
    }

    [Fact]
    public void A_disbursement_needs_payment_details()
    {
        var facts = Fund(approvers: "alice") with { HasPaymentDetails = false };
        var decision = RequestStateMachine.Decide(
            RequestState.Approved,
            new RequestCommand(RequestAction.RecordDisbursement, Finance),
            facts
        );
        Assert.Equal(RefusalCode.PaymentDetailsMissing, decision.Refusal);
    }

    [Fact]
    public void An_actor_without_an_id_is_refused()
    {
        var decision = RequestStateMachine.Decide(
            RequestState.Submitted,
            new RequestCommand(RequestAction.Acknowledge, new Actor(" ", ActorRole.Officer)),
            Fund()
        );
        Assert.Equal(RefusalCode.ActorIdRequired, decision.Refusal);
    }

    [Fact]
    public void Role_is_checked_before_state()
    {
        var decision = RequestStateMachine.Decide(
            RequestState.Closed,
            new RequestCommand(RequestAction.RecordDisbursement, Officer),
            Fund()
        );
        Assert.Equal(RefusalCode.RoleNotPermitted, decision.Refusal);
    }

    [Theory]
    [InlineData("submitted", "officer", "acknowledge,ask_for_information,approve,decline")]
    [InlineData("submitted", "applicant", "withdraw")]
    [InlineData("submitted", "finance", "")]
    [InlineData("awaiting_applicant", "applicant", "answer_question,withdraw")]
    [InlineData("awaiting_applicant", "admin", "decline")]
    [InlineData("approved", "finance", "record_payment_details,record_disbursement")]
    [InlineData("approved", "applicant", "record_payment_details,withdraw")]
    [InlineData("approved", "officer", "record_payment_details")]
    [InlineData("disbursed", "officer", "close")]
    [InlineData("closed", "admin", "")]
    public void Lists_the_actions_a_role_may_take_in_a_state(string state, string role, string expected)
    {
        Assert.True(WireName.TryParse<RequestState>(state, out var s));
        Assert.True(WireName.TryParse<ActorRole>(role, out var r));
        var actions = RequestStateMachine.AllowedActions(s, r).Select(WireName.Of);
        Assert.Equal(expected, string.Join(',', actions));
    }

    [Fact]
    public void The_personal_list_hides_what_this_person_may_not_do()
    {
        var facts = Fund(approvers: "alice") with { HasPaymentDetails = true };
        Assert.Equal(
            [RequestAction.RecordPaymentDetails],
            RequestStateMachine.AllowedActions(RequestState.Approved, new Actor("alice", ActorRole.Finance), facts)
        );
        Assert.Equal(
            [RequestAction.RecordPaymentDetails, RequestAction.RecordDisbursement],
            RequestStateMachine.AllowedActions(RequestState.Approved, new Actor("carol", ActorRole.Finance), facts)
        );
        Assert.Equal(
            [RequestAction.Decline],
            RequestStateMachine.AllowedActions(
                RequestState.AwaitingSecondApproval,
                new Actor("alice", ActorRole.Officer),
                facts
            )
        );
        Assert.Equal(
            [RequestAction.Approve, RequestAction.Decline],
            RequestStateMachine.AllowedActions(
                RequestState.AwaitingSecondApproval,
                new Actor("bob", ActorRole.Officer),
                facts
            )
        );
    }

    [Fact]
    public void Open_and_final_states()
    {
        var open = Enum.GetValues<RequestState>().Where(RequestStateMachine.IsOpen).Select(WireName.Of);
        Assert.Equal(
            "submitted,acknowledged,awaiting_applicant,awaiting_second_approval,approved",
            string.Join(',', open)
        );
        Assert.Equal([RequestState.Closed], Enum.GetValues<RequestState>().Where(RequestStateMachine.IsFinal));
    }

    [Theory]
    [InlineData("AWAITING_APPLICANT", true)]
    [InlineData(" declined ", true)]
    [InlineData("3", false)]
    [InlineData("awaitingapplicant", false)]
    [InlineData("", false)]
    public void Wire_names_parse_case_insensitively_and_refuse_numbers(string text, bool ok)
    {
        Assert.Equal(ok, WireName.TryParse<RequestState>(text, out _));
    }
}
