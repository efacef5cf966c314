"""The fictional 海河海关 demo district: units, halls, windows, phone lines and staff."""

# Everything here is invented for the demo: the district, its addresses, phone numbers and
# people do not exist. Numbers use the 022 area code and the fictional 6000-6050 exchanges.

DISTRICT = {
    "code": "HH",
    "name": "海河海关",
    "duties": (
        "依照《中华人民共和国海关法》和有关法律、行政法规，对关区内进出境的运输工具、货物、"
        "行李物品、邮递物品和其他物品实施监督管理。\n"
        "负责关区关税和进口环节代征税费的征收管理，依法办理减免税、保税和加工贸易监管事项。\n"
        "负责关区海关统计、稽查、知识产权海关保护和打击走私的组织协调工作。\n"
        "统一领导关区关务公开工作，按照“谁主管、谁负责、谁公开”的原则，组织各部门和隶属海关"
        "落实公开事项。\n"
        "受理社会各界对关区执法和服务的咨询、意见、投诉与举报，主动接受社会监督。"
    ),
    "address": "海河市滨江区海关路1号",
    "office_hours": "工作日 8:30-12:00，13:30-17:30",
    "contact_lines": [
        {"kind": "duty", "number": "022-6000 1000", "hours": "24小时", "note": "总关值班室"},
        {
            "kind": "report",
            "number": "022-6000 1010",
            "hours": "工作日 8:30-17:30，其他时间电话录音",
            "note": "执法和廉政监督举报电话，可实名也可匿名",
        },
    ],
}

DIVISIONS = [
    # ------------------------------------------------------------------ functional divisions
    {
        "code": "HH-BGS",
        "name": "办公室",
        "short_name": "办公室",
        "function": "office",
        "duties": (
            "负责总关机关日常运转的综合协调、文电处理、会议组织和督查督办。\n"
            "作为关务公开的牵头部门，负责门户网站关务公开栏目的内容管理，汇总、编排并发布"
            "各部门和隶属海关报送的公开事项。\n"
            "组织编制年度关务公开目录和工作要点，跟踪检查各单位公开内容的更新时效。\n"
            "负责关区政务信息和对外宣传口径的统一把关。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼五层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-BGS-ZH",
                "name": "综合科",
                "duties": (
                    "负责机关综合协调和会议组织，承担关领导交办事项和重要工作部署的督办，"
                    "定期通报督办落实情况。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-BGS-MS",
                "name": "秘书科",
                "duties": (
                    "负责公文的起草、审核、收发和归档，管理印章使用和机要文件。"
                    "负责总关值班室的日常管理和突发事件信息的报送。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-BGS-GK",
                "name": "关务公开科",
                "duties": (
                    "负责门户网站关务公开栏目的日常维护和内容发布。"
                    "汇总各部门、各隶属海关报送的公开事项，按规定送法规处审核后发布。"
                    "督促各单位联络员及时更新本单位的机构、窗口和工号信息。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-JCS",
        "name": "监察室",
        "short_name": "监察室",
        "function": "supervision",
        "duties": (
            "负责对全关关务公开落实情况进行经常性检查和专项监督，对公开不及时、不准确、"
            "不完整的单位提出整改意见。\n"
            "受理并调查处理涉及关员廉政问题和态度作风问题的投诉和举报。\n"
            "对窗口单位执行首问负责、限时办结和服务承诺的情况开展明察暗访。\n"
            "按照干部管理权限对违纪违规问题提出处理建议，并向实名举报人反馈处理结果。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼六层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [
            {
                "kind": "report",
                "number": "022-6000 1012",
                "hours": "工作日 8:30-17:30",
                "note": "监察室廉政举报电话，也可来信寄至海关路1号监察室",
            },
        ],
        "sections": [
            {
                "code": "HH-JCS-JD",
                "name": "监督检查科",
                "duties": (
                    "制定关务公开监督检查计划，定期检查各部门和隶属海关的公开栏、报关大厅和"
                    "门户网站栏目，通报检查结果并跟踪整改。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-JCS-XF",
                "name": "信访举报科",
                "duties": (
                    "受理来信、来电、来访和网上举报，对涉及关员廉政、执法和服务态度的问题"
                    "进行登记、分办和核查。"
                    "在规定时限内向实名举报人反馈办理结果，并对举报人信息严格保密。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-ZGB",
        "name": "政工办",
        "short_name": "政工办",
        "function": "political_work",
        "duties": (
            "负责关区干部队伍建设、人事管理和思想政治工作。\n"
            "将关务公开纳入干部教育培训计划，组织开展政策法规和窗口服务规范培训。\n"
            "组织开展文明窗口、青年文明号等创建评比活动，推广窗口服务的先进经验。\n"
            "负责办事人员工号的编配和变更登记，以及工号牌的制作发放。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼六层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-ZGB-RS",
                "name": "人事科",
                "duties": (
                    "负责干部任免、调配和考核，办理工作人员工号的编配与变更，"
                    "并及时通知办公室更新对外公开的工号信息。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-ZGB-JY",
                "name": "教育培训科",
                "duties": (
                    "制定年度教育培训计划，组织关务公开、依法行政和窗口服务礼仪等专题培训，"
                    "建立并管理干部培训档案。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-ZGB-WM",
                "name": "宣传与文明创建科",
                "duties": (
                    "组织文明窗口和服务标兵的创建评比，开展关务公开宣传活动。"
                    "总结推广窗口服务的好做法，收集整理服务对象的表扬和建议。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-FGC",
        "name": "法规处",
        "short_name": "法规处",
        "function": "legal",
        "duties": (
            "负责关务公开内容的合法性审核，未经法规处审核的内容不得公开。\n"
            "对关区拟发布的规范性文件、公告和办事指南进行法律审查，确保与法律、行政法规和"
            "海关规章保持一致。\n"
            "负责行政复议、行政应诉和行政赔偿案件的办理。\n"
            "组织关区普法宣传和执法监督，指导隶属海关规范执法行为。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼七层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-FGC-SH",
                "name": "法制审核科",
                "duties": (
                    "对各部门提交的拟公开内容进行合法性审核并出具审核意见，"
                    "重点审查是否涉及国家秘密、商业秘密和个人隐私。"
                    "审核未通过的内容退回起草部门修改后重新报审。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-FGC-FY",
                "name": "行政复议与应诉科",
                "duties": (
                    "办理行政复议申请的受理、审理和决定，承担行政诉讼案件的应诉工作。"
                    "定期分析复议和诉讼案件反映的执法问题，向有关部门提出改进建议。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-KJC",
        "name": "科技处",
        "short_name": "科技处",
        "function": "technology",
        "duties": (
            "负责关区信息化建设规划和业务应用系统的运行管理。\n"
            "负责关务公开相关专门技术设备的配备和维护，包括报关大厅电子显示屏、触摸查询终端、"
            "排队叫号系统和热线电话录音系统。\n"
            "负责门户网站和关务公开平台的技术保障、账号权限管理和网络安全防护。\n"
            "负责关区网络、机房和数据备份的日常管理。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼八层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-KJC-XT",
                "name": "系统管理科",
                "duties": (
                    "负责关务公开平台和门户网站的系统管理，办理账号开通与权限分配，"
                    "做好数据备份和安全审计。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-KJC-SB",
                "name": "设备运维科",
                "duties": (
                    "负责报关大厅电子显示屏、触摸查询机、叫号机和热线录音设备的配置、巡检和"
                    "故障处理，保障公开设备正常运行。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-ZXZX",
        "name": "海河海关咨询服务中心",
        "short_name": "咨询服务中心",
        "function": "centre",
        "duties": (
            "作为关务公开常设机构，负责通关热线、关长信箱、廉政举报和业务咨询的统一受理。\n"
            "落实首问负责制和限时答复制度，能够当场答复的即时答复，需要研究的问题在五个"
            "工作日内答复。\n"
            "对不能直接答复的事项，转交相关业务部门或隶属海关办理，并跟踪办理进度。\n"
            "定期汇总分析咨询和投诉热点，向关领导和有关部门提出改进建议。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼一层东侧",
        "office_hours": "工作日 8:30-17:30（中午不休）",
        "contact_lines": [
            {
                "kind": "consultation",
                "number": "022-6000 1100",
                "hours": "工作日 8:30-17:30",
                "note": "关区业务咨询热线",
            },
            {
                "kind": "clearance_110",
                "number": "022-6000 1110",
                "hours": "24小时",
                "note": "通关110，受理货物通关中遇到的紧急问题和求助",
            },
        ],
        "sections": [
            {
                "code": "HH-ZXZX-RX",
                "name": "热线接听科",
                "duties": (
                    "负责业务咨询热线和通关110的接听、登记和答复。"
                    "对需要转办的问题填写转办单并跟踪至办结，做好通话记录的整理归档。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-ZXZX-JD",
                "name": "咨询接待科",
                "duties": (
                    "负责来访企业和群众的现场咨询接待，管理关长信箱和网上留言的受理与答复。"
                    "坚持首问负责，做到不推诿、不拖延。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-ZXZX-DB",
                "name": "督办回访科",
                "duties": (
                    "对转办事项进行督办催办，对已办结事项开展电话回访，统计服务满意率并按月通报。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-CWC",
        "name": "财务处",
        "short_name": "财务处",
        "function": "finance",
        "duties": (
            "负责关区财务预算的编制、执行和决算。\n"
            "将关务公开经费纳入年度预算，保障公开栏、电子显示设备、热线电话和宣传资料等"
            "所需经费。\n"
            "负责关区经费支出审核、政府采购和国有资产管理。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼四层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-CWC-YS",
                "name": "预算科",
                "duties": "负责编制年度部门预算，单列关务公开专项经费并监督执行进度。",
                "contact_lines": [],
            },
            {
                "code": "HH-CWC-KJ",
                "name": "会计科",
                "duties": (
                    "负责经费报销审核、会计核算和财务报告编制，管理关务公开专项经费的支出凭证。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    # ------------------------------------------------------------------ business divisions
    {
        "code": "HH-GSC",
        "name": "关税处",
        "short_name": "关税处",
        "function": "business",
        "duties": (
            "负责关区进出口货物的审价、归类和原产地管理。\n"
            "负责关税和进口环节海关代征税的征收管理，指导隶属海关办理税款缴纳、退补和担保。\n"
            "负责关区减免税政策的执行和减免税货物的后续管理。\n"
            "负责公开适用税率、计税依据和减免税办理程序。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼三层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-GSC-SJ",
                "name": "审价科",
                "duties": (
                    "负责进出口货物完税价格的审查确定，组织价格质疑和价格磋商。"
                    "对特殊关系、特许权使用费等复杂估价问题提出处理意见。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-GSC-GL",
                "name": "归类科",
                "duties": "负责商品归类的审核和业务指导，办理预裁定申请的受理和初审。",
                "contact_lines": [],
            },
            {
                "code": "HH-GSC-JM",
                "name": "减免税科",
                "duties": (
                    "负责减免税政策的解释和执行，审核减免税申请。"
                    "管理减免税货物的监管年限和解除监管等后续事项。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-TGC",
        "name": "通关业务处",
        "short_name": "通关处",
        "function": "business",
        "duties": (
            "负责关区进出口货物通关作业的组织和协调。\n"
            "负责报关单位的备案管理和报关单证的规范化审核。\n"
            "负责关区查验作业的布控、组织和质量管理。\n"
            "负责舱单、进出境运输工具和海关监管作业场所的管理。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼三层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-TGC-TG",
                "name": "通关管理科",
                "duties": (
                    "负责通关作业流程的制定和优化，监测关区整体通关时效，"
                    "处理报关单修改和撤销中的疑难问题。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-TGC-CY",
                "name": "查验管理科",
                "duties": (
                    "负责查验作业规范和查验设备的管理，检查隶属海关的查验作业质量，"
                    "指导查验异常情况的处置。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-JBC",
        "name": "加工贸易及保税监管处",
        "short_name": "加贸保税处",
        "function": "business",
        "duties": (
            "负责关区加工贸易监管，包括手册（账册）的设立、变更、核销和深加工结转。\n"
            "负责保税仓库、出口监管仓库和综合保税区等海关特殊监管区域的业务指导。\n"
            "负责保税货物核查和保税核销的质量控制。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼二层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-JBC-JM",
                "name": "加工贸易监管科",
                "duties": (
                    "负责加工贸易手册和电子账册管理规定的执行，审核复杂的手册设立与核销事项，"
                    "指导企业规范申报单耗。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-JBC-BS",
                "name": "保税监管科",
                "duties": (
                    "负责保税监管场所和海关特殊监管区域的设立审核与日常监管，组织开展保税核查。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    {
        "code": "HH-QGJC",
        "name": "企业管理和稽查处",
        "short_name": "企管稽查处",
        "function": "business",
        "duties": (
            "负责关区企业信用管理，组织开展企业认证和信用等级调整。\n"
            "依照海关法和海关稽查条例，对进出口企业的账簿、单证和有关进出口货物实施稽查。\n"
            "受理企业主动披露，指导企业建立健全内部合规制度。"
        ),
        "address": "海河市滨江区海关路1号 海河海关业务大楼二层",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [],
        "sections": [
            {
                "code": "HH-QGJC-QG",
                "name": "企业管理科",
                "duties": (
                    "负责企业备案、信用信息采集和认证企业的日常管理，受理企业信用修复申请。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-QGJC-JC",
                "name": "稽查科",
                "duties": (
                    "负责制定年度稽查计划并组织实施，对稽查中发现的问题依法移交处理，"
                    "受理和审核企业主动披露。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [],
    },
    # ------------------------------------------------------------------ branch customs
    {
        "code": "HH-XG",
        "name": "海河新港海关",
        "short_name": "新港海关",
        "function": "branch",
        "duties": (
            "负责新港港区进出口货物的通关、查验、税费征收和放行。\n"
            "负责进出境船舶、集装箱和舱单的监管，以及港区海关监管作业场所的日常管理。\n"
            "负责辖区内加工贸易、保税和企业管理的现场事项。\n"
            "在报关大厅设置关务公开咨询台，公开办事指南、窗口标识和办事人员工号。\n"
            "负责本关关务公开事项的收集、更新和报送，由联络员与总关办公室对接。"
        ),
        "address": "海河市临港区新港二号路88号",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [
            {
                "kind": "duty",
                "number": "022-6010 1000",
                "hours": "24小时",
                "note": "新港海关值班室",
            },
            {
                "kind": "consultation",
                "number": "022-6010 1001",
                "hours": "工作日 8:30-17:00",
                "note": "新港海关报关大厅咨询台",
            },
        ],
        "sections": [
            {
                "code": "HH-XG-BGS",
                "name": "办公室",
                "duties": (
                    "负责本关综合协调、文电和后勤保障，管理报关大厅关务公开咨询台，"
                    "收集汇总本关公开事项报总关办公室。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-XG-ZHYW",
                "name": "综合业务科",
                "duties": (
                    "负责报关单审核、税费征收、减免税审核和原产地证书签证等现场业务。"
                    "配合关税处开展价格和归类核查。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-XG-CY",
                "name": "查验科",
                "duties": (
                    "负责港区进出口货物的人工查验和机检查验，登记查验结果并办理异常处置。"
                    "查验时通知收发货人或其代理人到场。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-XG-WLJK",
                "name": "物流监控科",
                "duties": (
                    "负责进出境船舶申报、舱单审核和变更，监控集装箱在港区内的流转，"
                    "管理港区卡口和监管作业场所。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [
            {
                "code": "HH-XG-HALL1",
                "name": "新港海关报关大厅",
                "address": "海河市临港区新港二号路88号 新港海关业务楼一层",
                "opening_hours": "工作日 8:30-17:00",
                "posts": [
                    {
                        "sign_code": "A01",
                        "name": "报关单审核窗口",
                        "services": "进出口货物报关单审核、修改和撤销",
                        "unit": "HH-XG-ZHYW",
                    },
                    {
                        "sign_code": "A02",
                        "name": "税费征收与担保窗口",
                        "services": "税款缴纳、滞纳金征收、税款担保的办理和解除",
                        "unit": "HH-XG-ZHYW",
                    },
                    {
                        "sign_code": "A03",
                        "name": "减免税审核窗口",
                        "services": "减免税申请受理与审核、减免税货物解除监管",
                        "unit": "HH-XG-ZHYW",
                    },
                    {
                        "sign_code": "A04",
                        "name": "原产地证书窗口",
                        "services": "优惠原产地证书的申领审核、签证和更正",
                        "unit": "HH-XG-ZHYW",
                    },
                    {
                        "sign_code": "B01",
                        "name": "查验预约窗口",
                        "services": "查验预约、查验结果告知和查验异常的后续处置",
                        "unit": "HH-XG-CY",
                    },
                    {
                        "sign_code": "C01",
                        "name": "运输工具与舱单窗口",
                        "services": "进出境船舶申报、舱单变更和删除",
                        "unit": "HH-XG-WLJK",
                    },
                    {
                        "sign_code": "ZX01",
                        "name": "关务公开咨询台",
                        "services": "办事指南发放、政策法规咨询、公开资料查阅、意见建议和投诉受理",
                        "unit": "HH-XG-BGS",
                    },
                ],
            },
        ],
    },
    {
        "code": "HH-JC",
        "name": "海河机场海关",
        "short_name": "机场海关",
        "function": "branch",
        "duties": (
            "负责机场口岸进出境旅客及其行李物品的监管。\n"
            "负责航空货物、快件和跨境电子商务零售进出口商品的通关与查验。\n"
            "负责进出境航空器的监管和机场海关监管作业场所的管理。\n"
            "负责本关关务公开事项的收集、更新和报送。"
        ),
        "address": "海河市空港区迎宾大道6号 机场海关业务楼",
        "office_hours": "工作日 8:30-12:00，13:30-17:30；旅检现场随航班安排",
        "contact_lines": [
            {
                "kind": "duty",
                "number": "022-6020 1000",
                "hours": "24小时",
                "note": "机场海关值班室",
            },
            {
                "kind": "consultation",
                "number": "022-6020 1001",
                "hours": "工作日 8:30-17:00",
                "note": "机场海关货运业务咨询",
            },
            {
                "kind": "consultation",
                "number": "022-6020 1002",
                "hours": "航班运行期间",
                "note": "旅客通关咨询",
            },
        ],
        "sections": [
            {
                "code": "HH-JC-BGS",
                "name": "办公室",
                "duties": (
                    "负责本关综合协调和后勤保障，管理报关大厅和旅检现场的咨询台，"
                    "收集汇总本关公开事项报总关办公室。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-JC-ZHYW",
                "name": "综合业务科",
                "duties": (
                    "负责航空货物报关单审核、税费征收和原产地证书签证，办理进出境航空器的申报手续。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-JC-LJ",
                "name": "旅检科",
                "duties": (
                    "负责进出境旅客行李物品的申报受理、查验和验放，征收行李物品进口税。"
                    "办理暂时进出境物品手续，当场解答旅客的通关疑问。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-JC-KJ",
                "name": "快件监管科",
                "duties": (
                    "负责进出境快件和跨境电子商务零售商品的申报审核和查验放行，"
                    "管理快件监管中心的日常作业。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [
            {
                "code": "HH-JC-HALL1",
                "name": "机场海关报关大厅",
                "address": "海河市空港区迎宾大道6号 机场海关业务楼一层",
                "opening_hours": "工作日 8:30-17:00",
                "posts": [
                    {
                        "sign_code": "A01",
                        "name": "报关单审核窗口",
                        "services": "航空进出口货物报关单审核、修改和撤销",
                        "unit": "HH-JC-ZHYW",
                    },
                    {
                        "sign_code": "A02",
                        "name": "税费征收与担保窗口",
                        "services": "税款缴纳、退补税和税款担保办理",
                        "unit": "HH-JC-ZHYW",
                    },
                    {
                        "sign_code": "A03",
                        "name": "原产地证书窗口",
                        "services": "优惠原产地证书的申领审核和签证",
                        "unit": "HH-JC-ZHYW",
                    },
                    {
                        "sign_code": "K01",
                        "name": "快件与跨境电商窗口",
                        "services": "进出境快件申报、跨境电子商务零售商品退货和异常处置",
                        "unit": "HH-JC-KJ",
                    },
                    {
                        "sign_code": "ZX01",
                        "name": "关务公开咨询台",
                        "services": "办事指南发放、政策法规咨询、公开资料查阅、意见建议和投诉受理",
                        "unit": "HH-JC-BGS",
                    },
                ],
            },
            {
                "code": "HH-JC-HALL2",
                "name": "机场海关旅检服务大厅",
                "address": "海河机场T2航站楼国际到达层海关通道旁",
                "opening_hours": "国际航班运行期间全程开放",
                "posts": [
                    {
                        "sign_code": "L01",
                        "name": "旅客行李申报窗口",
                        "services": "旅客行李物品申报、超量物品的征税和验放",
                        "unit": "HH-JC-LJ",
                    },
                    {
                        "sign_code": "L02",
                        "name": "行邮物品窗口",
                        "services": "行邮物品税计征、暂不予放行物品的登记和提取",
                        "unit": "HH-JC-LJ",
                    },
                    {
                        "sign_code": "L03",
                        "name": "暂时进出境物品窗口",
                        "services": "旅客携带暂时进出境物品的登记、担保和复带核销",
                        "unit": "HH-JC-LJ",
                    },
                    {
                        "sign_code": "ZX02",
                        "name": "旅检咨询台",
                        "services": "旅客通关须知发放、携带物品规定咨询、意见建议和投诉受理",
                        "unit": "HH-JC-BGS",
                    },
                ],
            },
        ],
    },
    {
        "code": "HH-KFQ",
        "name": "海河经济技术开发区海关",
        "short_name": "开发区海关",
        "function": "branch",
        "duties": (
            "负责经济技术开发区内企业进出口货物的通关、查验和税费征收。\n"
            "负责辖区加工贸易手册的设立、变更、核销和深加工结转管理。\n"
            "负责辖区企业减免税审核和知识产权海关保护的咨询服务。\n"
            "负责本关关务公开事项的收集、更新和报送。"
        ),
        "address": "海河市经济技术开发区第三大街19号",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [
            {
                "kind": "duty",
                "number": "022-6030 1000",
                "hours": "24小时",
                "note": "开发区海关值班室",
            },
            {
                "kind": "consultation",
                "number": "022-6030 1001",
                "hours": "工作日 8:30-17:00",
                "note": "开发区海关报关大厅咨询台",
            },
        ],
        "sections": [
            {
                "code": "HH-KFQ-BGS",
                "name": "办公室",
                "duties": (
                    "负责本关综合协调、文电和后勤保障，管理报关大厅关务公开咨询台，"
                    "收集汇总本关公开事项。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-KFQ-ZHYW",
                "name": "综合业务科",
                "duties": (
                    "负责报关单审核、税费征收和减免税审核，解答企业有关知识产权海关保护备案的咨询。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-KFQ-JGMY",
                "name": "加工贸易监管科",
                "duties": (
                    "负责辖区加工贸易手册的设立、变更和核销，审核单耗申报。"
                    "办理深加工结转和外发加工的备案手续。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-KFQ-CY",
                "name": "查验科",
                "duties": "负责辖区进出口货物和加工贸易货物的查验、核查和查验结果处置。",
                "contact_lines": [],
            },
        ],
        "halls": [
            {
                "code": "HH-KFQ-HALL1",
                "name": "开发区海关报关大厅",
                "address": "海河市经济技术开发区第三大街19号 开发区海关一层",
                "opening_hours": "工作日 8:30-17:00",
                "posts": [
                    {
                        "sign_code": "A01",
                        "name": "报关单审核窗口",
                        "services": "进出口货物报关单审核、修改和撤销",
                        "unit": "HH-KFQ-ZHYW",
                    },
                    {
                        "sign_code": "A02",
                        "name": "税费征收与担保窗口",
                        "services": "税款缴纳、滞纳金征收和税款担保办理",
                        "unit": "HH-KFQ-ZHYW",
                    },
                    {
                        "sign_code": "A03",
                        "name": "减免税审核窗口",
                        "services": "减免税申请受理与审核、减免税货物转让和抵押手续",
                        "unit": "HH-KFQ-ZHYW",
                    },
                    {
                        "sign_code": "D01",
                        "name": "知识产权保护咨询窗口",
                        "services": "知识产权海关保护备案咨询、侵权嫌疑货物扣留申请指引",
                        "unit": "HH-KFQ-ZHYW",
                    },
                    {
                        "sign_code": "B01",
                        "name": "加工贸易手册窗口",
                        "services": "加工贸易手册设立、变更与核销",
                        "unit": "HH-KFQ-JGMY",
                    },
                    {
                        "sign_code": "B02",
                        "name": "深加工结转与外发加工窗口",
                        "services": "深加工结转申报、外发加工备案和余料结转",
                        "unit": "HH-KFQ-JGMY",
                    },
                    {
                        "sign_code": "C01",
                        "name": "查验窗口",
                        "services": "查验预约、陪同查验安排和查验结果告知",
                        "unit": "HH-KFQ-CY",
                    },
                    {
                        "sign_code": "ZX01",
                        "name": "关务公开咨询台",
                        "services": "办事指南发放、政策法规咨询、公开资料查阅、意见建议和投诉受理",
                        "unit": "HH-KFQ-BGS",
                    },
                ],
            },
        ],
    },
    {
        "code": "HH-ZBQ",
        "name": "海河综合保税区海关",
        "short_name": "综保区海关",
        "function": "branch",
        "duties": (
            "负责海河综合保税区的海关监管，实施区内企业账册管理和进出区货物监管。\n"
            "负责卡口、围网和区内监管作业场所的物流监控。\n"
            "负责区内企业的稽查和保税核查。\n"
            "负责本关关务公开事项的收集、更新和报送。"
        ),
        "address": "海河综合保税区西七道26号",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [
            {
                "kind": "duty",
                "number": "022-6040 1000",
                "hours": "24小时",
                "note": "综合保税区海关值班室",
            },
            {
                "kind": "consultation",
                "number": "022-6040 1001",
                "hours": "工作日 8:30-17:00",
                "note": "综合保税区海关业务咨询",
            },
        ],
        "sections": [
            {
                "code": "HH-ZBQ-BGS",
                "name": "办公室",
                "duties": "负责本关综合协调和后勤保障，管理报关大厅咨询台，汇总本关公开事项。",
                "contact_lines": [],
            },
            {
                "code": "HH-ZBQ-BSJG",
                "name": "保税监管科",
                "duties": (
                    "负责区内企业电子账册的设立、变更和核销，审核保税货物的进出区申报。"
                    "组织开展保税货物的盘点核查。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-ZBQ-WLJK",
                "name": "物流监控科",
                "duties": (
                    "负责综合保税区卡口核放和车辆备案，监控围网和视频监控系统，"
                    "处置货物流转中的异常情况。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-ZBQ-JC",
                "name": "稽查科",
                "duties": (
                    "对区内企业实施稽查和保税核查，受理企业主动披露，对发现的违规线索依法移交处理。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [
            {
                "code": "HH-ZBQ-HALL1",
                "name": "综合保税区海关报关大厅",
                "address": "海河综合保税区西七道26号 综合服务楼一层",
                "opening_hours": "工作日 8:30-17:00",
                "posts": [
                    {
                        "sign_code": "A01",
                        "name": "账册管理窗口",
                        "services": "区内企业电子账册设立、变更和核销",
                        "unit": "HH-ZBQ-BSJG",
                    },
                    {
                        "sign_code": "A02",
                        "name": "进出区申报窗口",
                        "services": "保税货物进出区申报审核、区间流转和出区内销征税",
                        "unit": "HH-ZBQ-BSJG",
                    },
                    {
                        "sign_code": "B01",
                        "name": "卡口与车辆备案窗口",
                        "services": "车辆备案、卡口核放单异常处理",
                        "unit": "HH-ZBQ-WLJK",
                    },
                    {
                        "sign_code": "C01",
                        "name": "主动披露窗口",
                        "services": "企业主动披露受理、稽查和保税核查事项咨询",
                        "unit": "HH-ZBQ-JC",
                    },
                    {
                        "sign_code": "ZX01",
                        "name": "关务公开咨询台",
                        "services": "办事指南发放、政策法规咨询、公开资料查阅、意见建议和投诉受理",
                        "unit": "HH-ZBQ-BGS",
                    },
                ],
            },
        ],
    },
    {
        "code": "HH-DJ",
        "name": "海河东疆港海关",
        "short_name": "东疆港海关",
        "function": "branch",
        "duties": (
            "负责东疆港区集装箱码头进出口货物的通关和查验。\n"
            "负责国际航行船舶进出境手续的办理和船舶监管。\n"
            "负责港区内融资租赁等新型业态的海关监管服务。\n"
            "负责本关关务公开事项的收集、更新和报送。"
        ),
        "address": "海河市东疆港区观澜路16号",
        "office_hours": "工作日 8:30-12:00，13:30-17:30",
        "contact_lines": [
            {
                "kind": "duty",
                "number": "022-6050 1000",
                "hours": "24小时",
                "note": "东疆港海关值班室",
            },
            {
                "kind": "consultation",
                "number": "022-6050 1001",
                "hours": "工作日 8:30-17:00",
                "note": "东疆港海关报关大厅咨询台",
            },
        ],
        "sections": [
            {
                "code": "HH-DJ-ZHYW",
                "name": "综合业务科",
                "duties": (
                    "负责报关单审核、税费征收和原产地证书签证，兼管报关大厅关务公开咨询台，"
                    "收集汇总本关公开事项。"
                ),
                "contact_lines": [],
            },
            {
                "code": "HH-DJ-CY",
                "name": "查验科",
                "duties": "负责集装箱货物的人工查验和机检查验，以及查验结果的处置。",
                "contact_lines": [],
            },
            {
                "code": "HH-DJ-CBJG",
                "name": "船舶监管科",
                "duties": (
                    "负责国际航行船舶进出境手续的办理和登临检查，监管船舶物料、燃料的供应和退运。"
                ),
                "contact_lines": [],
            },
        ],
        "halls": [
            {
                "code": "HH-DJ-HALL1",
                "name": "东疆港海关报关大厅",
                "address": "海河市东疆港区观澜路16号 东疆港海关一层",
                "opening_hours": "工作日 8:30-17:00",
                "posts": [
                    {
                        "sign_code": "A01",
                        "name": "报关单审核窗口",
                        "services": "进出口货物报关单审核、修改和撤销",
                        "unit": "HH-DJ-ZHYW",
                    },
                    {
                        "sign_code": "A02",
                        "name": "税费征收与担保窗口",
                        "services": "税款缴纳、滞纳金征收和税款担保办理",
                        "unit": "HH-DJ-ZHYW",
                    },
                    {
                        "sign_code": "A03",
                        "name": "原产地证书窗口",
                        "services": "优惠原产地证书的申领审核和签证",
                        "unit": "HH-DJ-ZHYW",
                    },
                    {
                        "sign_code": "B01",
                        "name": "查验窗口",
                        "services": "查验预约、查验结果告知和集装箱验放",
                        "unit": "HH-DJ-CY",
                    },
                    {
                        "sign_code": "C01",
                        "name": "船舶进出境窗口",
                        "services": "国际航行船舶进出境申报、船舶物料供退申报",
                        "unit": "HH-DJ-CBJG",
                    },
                    {
                        "sign_code": "ZX01",
                        "name": "关务公开咨询台",
                        "services": "办事指南发放、政策法规咨询、公开资料查阅、意见建议和投诉受理",
                        "unit": "HH-DJ-ZHYW",
                    },
                ],
            },
        ],
    },
]

STAFF = [
    # 总关关领导
    {"work_number": "120001", "name": "王建国", "title": "关长", "unit": "HH", "posts": []},
    {"work_number": "120003", "name": "陈立华", "title": "副关长", "unit": "HH", "posts": []},
    {"work_number": "120004", "name": "赵秋云", "title": "副关长", "unit": "HH", "posts": []},
    {"work_number": "120005", "name": "何振宇", "title": "副关长", "unit": "HH", "posts": []},
    # 办公室
    {"work_number": "120101", "name": "刘春梅", "title": "处长", "unit": "HH-BGS", "posts": []},
    {"work_number": "120102", "name": "孙晓燕", "title": "科长", "unit": "HH-BGS-ZH", "posts": []},
    {
        "work_number": "120103",
        "name": "马俊杰",
        "title": "一级主办",
        "unit": "HH-BGS-ZH",
        "posts": [],
    },
    {"work_number": "120104", "name": "黄志刚", "title": "科长", "unit": "HH-BGS-MS", "posts": []},
    {"work_number": "120105", "name": "郭丽娟", "title": "科长", "unit": "HH-BGS-GK", "posts": []},
    {
        "work_number": "120106",
        "name": "韩雪莹",
        "title": "一级主办",
        "unit": "HH-BGS-GK",
        "posts": [],
    },
    # 监察室
    {"work_number": "120201", "name": "吴国强", "title": "处长", "unit": "HH-JCS", "posts": []},
    {"work_number": "120202", "name": "郑海鹰", "title": "科长", "unit": "HH-JCS-JD", "posts": []},
    {
        "work_number": "120203",
        "name": "冯婷",
        "title": "主任科员",
        "unit": "HH-JCS-JD",
        "posts": [],
    },
    {"work_number": "120204", "name": "曹文斌", "title": "科长", "unit": "HH-JCS-XF", "posts": []},
    {
        "work_number": "120205",
        "name": "彭佳琪",
        "title": "二级主办",
        "unit": "HH-JCS-XF",
        "posts": [],
    },
    # 政工办
    {"work_number": "120301", "name": "杜宏伟", "title": "处长", "unit": "HH-ZGB", "posts": []},
    {"work_number": "120302", "name": "潘玉兰", "title": "科长", "unit": "HH-ZGB-RS", "posts": []},
    {"work_number": "120303", "name": "蒋卫东", "title": "科长", "unit": "HH-ZGB-JY", "posts": []},
    {"work_number": "120304", "name": "袁晓琳", "title": "科长", "unit": "HH-ZGB-WM", "posts": []},
    {
        "work_number": "120305",
        "name": "许梦瑶",
        "title": "四级主办",
        "unit": "HH-ZGB-WM",
        "posts": [],
    },
    # 法规处
    {"work_number": "120401", "name": "田志远", "title": "处长", "unit": "HH-FGC", "posts": []},
    {"work_number": "120402", "name": "汪丽萍", "title": "科长", "unit": "HH-FGC-SH", "posts": []},
    {
        "work_number": "120403",
        "name": "邓思远",
        "title": "一级主办",
        "unit": "HH-FGC-SH",
        "posts": [],
    },
    {"work_number": "120404", "name": "叶明辉", "title": "科长", "unit": "HH-FGC-FY", "posts": []},
    # 科技处
    {"work_number": "120501", "name": "魏东升", "title": "处长", "unit": "HH-KJC", "posts": []},
    {"work_number": "120502", "name": "沈建平", "title": "科长", "unit": "HH-KJC-XT", "posts": []},
    {
        "work_number": "120002",
        "name": "林嘉豪",
        "title": "一级主办",
        "unit": "HH-KJC-XT",
        "posts": [],
    },
    {"work_number": "120503", "name": "罗海涛", "title": "科长", "unit": "HH-KJC-SB", "posts": []},
    {"work_number": "120504", "name": "贾晨阳", "title": "科员", "unit": "HH-KJC-SB", "posts": []},
    # 咨询服务中心
    {"work_number": "120601", "name": "苏慧敏", "title": "处长", "unit": "HH-ZXZX", "posts": []},
    {"work_number": "120602", "name": "程晓红", "title": "科长", "unit": "HH-ZXZX-RX", "posts": []},
    {
        "work_number": "120603",
        "name": "吕欣怡",
        "title": "二级主办",
        "unit": "HH-ZXZX-RX",
        "posts": [],
    },
    {"work_number": "120604", "name": "丁浩然", "title": "科员", "unit": "HH-ZXZX-RX", "posts": []},
    {"work_number": "120605", "name": "唐雅静", "title": "科长", "unit": "HH-ZXZX-JD", "posts": []},
    {
        "work_number": "120606",
        "name": "方宇航",
        "title": "一级主办",
        "unit": "HH-ZXZX-JD",
        "posts": [],
    },
    {"work_number": "120607", "name": "任秀英", "title": "科长", "unit": "HH-ZXZX-DB", "posts": []},
    # 财务处
    {"work_number": "120701", "name": "钱国栋", "title": "处长", "unit": "HH-CWC", "posts": []},
    {"work_number": "120702", "name": "姜红霞", "title": "科长", "unit": "HH-CWC-YS", "posts": []},
    {"work_number": "120703", "name": "范永明", "title": "科长", "unit": "HH-CWC-KJ", "posts": []},
    {"work_number": "120704", "name": "石佳慧", "title": "科员", "unit": "HH-CWC-KJ", "posts": []},
    # 关税处
    {"work_number": "120801", "name": "谭建中", "title": "处长", "unit": "HH-GSC", "posts": []},
    {"work_number": "120802", "name": "廖志强", "title": "科长", "unit": "HH-GSC-SJ", "posts": []},
    {"work_number": "120803", "name": "邹丽华", "title": "科长", "unit": "HH-GSC-GL", "posts": []},
    {"work_number": "120804", "name": "熊伟光", "title": "科长", "unit": "HH-GSC-JM", "posts": []},
    # 通关业务处
    {"work_number": "120901", "name": "金振华", "title": "处长", "unit": "HH-TGC", "posts": []},
    {"work_number": "120902", "name": "陆晓峰", "title": "科长", "unit": "HH-TGC-TG", "posts": []},
    {"work_number": "120903", "name": "白宏飞", "title": "科长", "unit": "HH-TGC-CY", "posts": []},
    # 加工贸易及保税监管处
    {"work_number": "121001", "name": "崔宝林", "title": "处长", "unit": "HH-JBC", "posts": []},
    {"work_number": "121002", "name": "孔凡荣", "title": "科长", "unit": "HH-JBC-JM", "posts": []},
    {"work_number": "121003", "name": "龚雪梅", "title": "科长", "unit": "HH-JBC-BS", "posts": []},
    # 企业管理和稽查处
    {"work_number": "121101", "name": "孟庆丰", "title": "处长", "unit": "HH-QGJC", "posts": []},
    {"work_number": "121102", "name": "秦玉洁", "title": "科长", "unit": "HH-QGJC-QG", "posts": []},
    {"work_number": "121103", "name": "江宏亮", "title": "科长", "unit": "HH-QGJC-JC", "posts": []},
    # 海河新港海关
    {"work_number": "121201", "name": "宋振东", "title": "关长", "unit": "HH-XG", "posts": []},
    {"work_number": "121202", "name": "毛丽君", "title": "副关长", "unit": "HH-XG", "posts": []},
    {"work_number": "121203", "name": "贺志明", "title": "科长", "unit": "HH-XG-BGS", "posts": []},
    {
        "work_number": "121204",
        "name": "顾晓敏",
        "title": "一级主办",
        "unit": "HH-XG-BGS",
        "posts": ["ZX01"],
    },
    {"work_number": "121205", "name": "邵光辉", "title": "科长", "unit": "HH-XG-ZHYW", "posts": []},
    # 综合业务科的关务公开联络员
    {
        "work_number": "121206",
        "name": "严晓璐",
        "title": "一级主办",
        "unit": "HH-XG-ZHYW",
        "posts": ["A01"],
    },
    {
        "work_number": "121207",
        "name": "万俊峰",
        "title": "二级主办",
        "unit": "HH-XG-ZHYW",
        "posts": ["A02"],
    },
    {
        "work_number": "121208",
        "name": "覃梦琪",
        "title": "四级主办",
        "unit": "HH-XG-ZHYW",
        "posts": ["A03"],
    },
    {
        "work_number": "121209",
        "name": "段立新",
        "title": "科员",
        "unit": "HH-XG-ZHYW",
        "posts": ["A01", "A04"],
    },
    {"work_number": "121210", "name": "雷振江", "title": "科长", "unit": "HH-XG-CY", "posts": []},
    {
        "work_number": "121211",
        "name": "侯文涛",
        "title": "二级主办",
        "unit": "HH-XG-CY",
        "posts": ["B01"],
    },
    {"work_number": "121212", "name": "龙海波", "title": "科长", "unit": "HH-XG-WLJK", "posts": []},
    {
        "work_number": "121213",
        "name": "史佳音",
        "title": "一级主办",
        "unit": "HH-XG-WLJK",
        "posts": ["C01"],
    },
    # 海河机场海关
    {"work_number": "121301", "name": "陶建军", "title": "关长", "unit": "HH-JC", "posts": []},
    {"work_number": "121302", "name": "黎秀珍", "title": "科长", "unit": "HH-JC-BGS", "posts": []},
    {
        "work_number": "121312",
        "name": "聂思琪",
        "title": "四级主办",
        "unit": "HH-JC-BGS",
        "posts": ["ZX01", "ZX02"],
    },
    {"work_number": "121303", "name": "易国平", "title": "科长", "unit": "HH-JC-ZHYW", "posts": []},
    {
        "work_number": "121304",
        "name": "常雨晴",
        "title": "一级主办",
        "unit": "HH-JC-ZHYW",
        "posts": ["A01", "A03"],
    },
    {
        "work_number": "121305",
        "name": "武子轩",
        "title": "二级主办",
        "unit": "HH-JC-ZHYW",
        "posts": ["A02"],
    },
    {"work_number": "121306", "name": "乔正阳", "title": "科长", "unit": "HH-JC-LJ", "posts": []},
    {
        "work_number": "121307",
        "name": "赖小凤",
        "title": "一级主办",
        "unit": "HH-JC-LJ",
        "posts": ["L01", "L03"],
    },
    {
        "work_number": "121308",
        "name": "文博远",
        "title": "二级主办",
        "unit": "HH-JC-LJ",
        "posts": ["L02"],
    },
    {"work_number": "121309", "name": "施德胜", "title": "科长", "unit": "HH-JC-KJ", "posts": []},
    {
        "work_number": "121310",
        "name": "兰晓婷",
        "title": "科员",
        "unit": "HH-JC-KJ",
        "posts": ["K01"],
    },
    {
        "work_number": "121311",
        "name": "柯志鹏",
        "title": "关员",
        "unit": "HH-JC-LJ",
        "posts": ["L01"],
    },
    # 海河经济技术开发区海关
    {"work_number": "121401", "name": "尹志军", "title": "关长", "unit": "HH-KFQ", "posts": []},
    {"work_number": "121402", "name": "欧阳睿", "title": "科长", "unit": "HH-KFQ-BGS", "posts": []},
    {
        "work_number": "121411",
        "name": "包玉婷",
        "title": "四级主办",
        "unit": "HH-KFQ-BGS",
        "posts": ["ZX01"],
    },
    {
        "work_number": "121403",
        "name": "戴永刚",
        "title": "科长",
        "unit": "HH-KFQ-ZHYW",
        "posts": [],
    },
    {
        "work_number": "121404",
        "name": "夏雨桐",
        "title": "一级主办",
        "unit": "HH-KFQ-ZHYW",
        "posts": ["A01", "A02"],
    },
    {
        "work_number": "121405",
        "name": "钟文杰",
        "title": "二级主办",
        "unit": "HH-KFQ-ZHYW",
        "posts": ["A03", "D01"],
    },
    {
        "work_number": "121406",
        "name": "汤建伟",
        "title": "科长",
        "unit": "HH-KFQ-JGMY",
        "posts": [],
    },
    {
        "work_number": "121407",
        "name": "邱丽蓉",
        "title": "一级主办",
        "unit": "HH-KFQ-JGMY",
        "posts": ["B01"],
    },
    {
        "work_number": "121408",
        "name": "康晓宁",
        "title": "二级主办",
        "unit": "HH-KFQ-JGMY",
        "posts": ["B02"],
    },
    {"work_number": "121409", "name": "莫国庆", "title": "科长", "unit": "HH-KFQ-CY", "posts": []},
    {
        "work_number": "121410",
        "name": "翟鹏飞",
        "title": "科员",
        "unit": "HH-KFQ-CY",
        "posts": ["C01"],
    },
    # 海河综合保税区海关
    {"work_number": "121501", "name": "薛东明", "title": "关长", "unit": "HH-ZBQ", "posts": []},
    {"work_number": "121502", "name": "葛丽琴", "title": "科长", "unit": "HH-ZBQ-BGS", "posts": []},
    {
        "work_number": "121503",
        "name": "阎思涵",
        "title": "科员",
        "unit": "HH-ZBQ-BGS",
        "posts": ["ZX01"],
    },
    {
        "work_number": "121504",
        "name": "庞志勇",
        "title": "科长",
        "unit": "HH-ZBQ-BSJG",
        "posts": [],
    },
    {
        "work_number": "121505",
        "name": "牛晓霞",
        "title": "一级主办",
        "unit": "HH-ZBQ-BSJG",
        "posts": ["A01", "A02"],
    },
    {
        "work_number": "121506",
        "name": "伍建新",
        "title": "科长",
        "unit": "HH-ZBQ-WLJK",
        "posts": [],
    },
    {
        "work_number": "121507",
        "name": "车俊辉",
        "title": "二级主办",
        "unit": "HH-ZBQ-WLJK",
        "posts": ["B01"],
    },
    {"work_number": "121508", "name": "詹永福", "title": "科长", "unit": "HH-ZBQ-JC", "posts": []},
    {
        "work_number": "121509",
        "name": "戚佳敏",
        "title": "一级主办",
        "unit": "HH-ZBQ-JC",
        "posts": ["C01"],
    },
    # 海河东疆港海关
    {"work_number": "121601", "name": "喻海洋", "title": "关长", "unit": "HH-DJ", "posts": []},
    {"work_number": "121602", "name": "柏雪峰", "title": "科长", "unit": "HH-DJ-ZHYW", "posts": []},
    {
        "work_number": "121603",
        "name": "安晓然",
        "title": "一级主办",
        "unit": "HH-DJ-ZHYW",
        "posts": ["A01", "A02"],
    },
    {
        "work_number": "121604",
        "name": "苗佳欣",
        "title": "二级主办",
        "unit": "HH-DJ-ZHYW",
        "posts": ["A03"],
    },
    {
        "work_number": "121605",
        "name": "桂秀兰",
        "title": "四级主办",
        "unit": "HH-DJ-ZHYW",
        "posts": ["ZX01"],
    },
    {"work_number": "121606", "name": "甘卫国", "title": "科长", "unit": "HH-DJ-CY", "posts": []},
    {
        "work_number": "121607",
        "name": "鲁浩川",
        "title": "二级主办",
        "unit": "HH-DJ-CY",
        "posts": ["B01"],
    },
    {"work_number": "121608", "name": "卢振海", "title": "科长", "unit": "HH-DJ-CBJG", "posts": []},
    {
        "work_number": "121609",
        "name": "祁明珠",
        "title": "科员",
        "unit": "HH-DJ-CBJG",
        "posts": ["C01"],
    },
]

# Which staff member (by work number) each demo login is linked to. Keys are fixed:
DEMO_LOGINS = {
    "admin": "120002",  # 林嘉豪，科技处系统管理科
    "office": "120106",  # 韩雪莹，办公室关务公开科
    "supervision": "120203",  # 冯婷，监察室监督检查科
    "legal": "120403",  # 邓思远，法规处法制审核科
    "centre": "120606",  # 方宇航，咨询服务中心咨询接待科
    "liaison": "121206",  # 严晓璐，新港海关综合业务科联络员
    "chief": "121205",  # 邵光辉，新港海关综合业务科科长
    "division": "121201",  # 宋振东，新港海关关长
    "supervisor": "120201",  # 吴国强，监察室处长
    "centrehead": "120601",  # 苏慧敏，咨询服务中心主任
    # Separation of duties (issue 8): one administrator role each, held by different people.
    "sysadmin": "120502",  # 沈建平，科技处系统管理科科长
    "secadmin": "120503",  # 罗海涛，科技处设备科科长
    "auditor": "120205",  # 彭佳琪，监察室信访科
}
